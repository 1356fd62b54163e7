/** Too little traffic to judge a step: the controller holds on it, well past the bake time, and never promotes. */
import t from 'tap'
import { admin, sleep, startRolloutGateway, startTraffic, testPlan, waitFor } from './rollout-harness.js'

t.test('low traffic holds at the current step rather than promoting', async (t) => {
  const plan = testPlan({ steps: [10, 50, 100], minSamples: 50, bakeMs: 200, intervalMs: 100 })
  const gw = await startRolloutGateway(plan)
  t.teardown(gw.close)
  // About 10 requests a second: 10% of them reach new, far from 50 in the time the test waits.
  const traffic = startTraffic(() => [gw.url], { concurrency: 1, pauseMs: 100 })
  t.teardown(traffic.stop)
  t.equal((await admin(gw.url, 'POST', '/admin/rollouts/chat/start')).status, 200)

  await waitFor('the first evaluation', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.last !== null ? true : undefined
  })
  await sleep(10 * 100 + 200)
  await traffic.stop()
  const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
  t.match(body, { status: 'running', step: 'canary 10%', stepIndex: 0, readySince: null })
  t.equal(body.last.decision, 'hold')
  t.match(body.last.why, /judged on live traffic|not enough samples/)
  t.ok(body.last.figures.live.new.requests < 50, `${body.last.figures.live.new.requests} new-served requests on the step`)

  const metrics = await (await fetch(`${gw.url}/metrics`)).text()
  const holds = Number(/app_rollout_decisions_total\{feature="chat",decision="hold"\} (\d+)/.exec(metrics)?.[1] ?? 0)
  t.ok(holds >= 5, `${holds} hold decisions`)
  t.notMatch(metrics, /decision="promote"/, 'no promotion')
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { enabled: true, canary: 10 }, 'the flags stay at the step')
})
