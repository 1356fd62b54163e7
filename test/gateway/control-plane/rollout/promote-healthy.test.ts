/**
 * A healthy new backend is promoted through every step of the plan to 100%, each step once and
 * in order, each promotion recorded in the audit trail with the report figures behind it.
 */
import t from 'tap'
import { admin, startRolloutGateway, startTraffic, testPlan, waitFor } from './rollout-harness.js'

t.test('healthy new backend: shadow -> 10% -> 50% -> 100%, rollout done', async (t) => {
  const gw = await startRolloutGateway(testPlan())
  t.teardown(gw.close)
  const traffic = startTraffic(() => [gw.url])
  t.teardown(traffic.stop)

  const started = await admin(gw.url, 'POST', '/admin/rollouts/chat/start')
  t.equal(started.status, 200, JSON.stringify(started.body))
  t.match(started.body, { status: 'running', step: 'shadow', nextStep: 'canary 10%' })

  const done = await waitFor('the rollout to finish', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    if (body.status === 'rolled_back' || body.status === 'paused') throw new Error(`rollout stopped: ${JSON.stringify(body)}`)
    return body.status === 'done' ? body : undefined
  })
  await traffic.stop()
  t.match(done, { status: 'done', step: 'canary 100%', stepIndex: 3, controller: { store: 'memory', leader: true } })

  const flags = await admin(gw.url, 'GET', '/admin/flags/chat')
  t.match(flags.body, { enabled: true, canary: 100, source: { enabled: 'admin', canary: 'admin' } }, 'the flag ends on, canary 100')

  const audit = (await admin(gw.url, 'GET', '/admin/audit?feature=chat&limit=1000')).body.entries.reverse()
  const promotions = audit.filter((e: { action: string }) => e.action === 'rollout.promote')
  t.same(promotions.map((e: any) => [e.before.step, e.after.step]), [['shadow', 10], [10, 50], [50, 100]], 'each step promoted once, in order')
  for (const entry of promotions) {
    t.equal(entry.after.figures.verdict, 'ready')
    t.match(entry.who, { tokenId: null, remoteAddress: /^rollout-controller / })
  }
  t.ok(promotions[0].after.figures.shadow.pairs >= 20, 'the shadow step was judged on shadow pairs')
  t.ok(promotions[1].after.figures.live.new.requests >= 20, 'the 10% step on live traffic served by new')
  t.same(audit.filter((e: any) => e.action.startsWith('rollout.')).map((e: any) => e.action).filter((a: string) => a !== 'rollout.hold' && a !== 'rollout.bake'),
    ['rollout.start', 'rollout.promote', 'rollout.promote', 'rollout.promote', 'rollout.done'])

  const metrics = await (await fetch(`${gw.url}/metrics`)).text()
  t.match(metrics, /app_rollout_decisions_total\{feature="chat",decision="promote"\} 3/)
  t.match(metrics, /app_rollout_step_canary_percent\{feature="chat"\} 100/)
})
