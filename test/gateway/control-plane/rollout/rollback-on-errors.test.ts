/**
 * A new backend that starts failing once it serves 10% is rolled back automatically (flag off,
 * canary 0) within one evaluation interval of the step having enough failed calls to judge,
 * never promoted past it.
 */
import t from 'tap'
import { admin, startRolloutGateway, startTraffic, testPlan, waitFor } from './rollout-harness.js'

t.test('new starts erroring at 10%: rolled back within one evaluation interval', async (t) => {
  const intervalMs = 200
  const gw = await startRolloutGateway(testPlan({ intervalMs }))
  t.teardown(gw.close)
  const traffic = startTraffic(() => [gw.url])
  t.teardown(traffic.stop)
  t.equal((await admin(gw.url, 'POST', '/admin/rollouts/chat/start')).status, 200)

  await waitFor('the 10% step to be applied', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.step === 'canary 10%' && body.applied === true ? true : undefined
  })
  gw.candidate.failing = true
  const flippedAt = Date.now()
  const fallbacksAtFlip = traffic.served['legacy-fallback'] ?? 0
  // Once the step has minSamples failed calls of new, the next evaluation must judge them (it may
  // roll back sooner: the step's few healthy calls before the switch count towards the samples).
  let enoughAt: number | undefined
  const rolledBack = await waitFor('the rollback', async () => {
    if (enoughAt === undefined && (traffic.served['legacy-fallback'] ?? 0) - fallbacksAtFlip >= 20) enoughAt = Date.now()
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.status === 'rolled_back' ? body : undefined
  }, 30_000, 10)
  const seenMs = enoughAt === undefined ? 0 : Date.now() - enoughAt
  const sinceFlipMs = Date.now() - flippedAt
  const failedCalls = (traffic.served['legacy-fallback'] ?? 0) - fallbacksAtFlip
  await traffic.stop()
  t.equal(rolledBack.step, 'canary 10%', 'rolled back from the 10% step')
  t.equal(rolledBack.last.decision, 'rollback')
  t.match(rolledBack.last.figures.reasons, [{ code: 'error_rate' }], 'because of the error rate')
  // New's failures show in its live calls (fallbacks) or in the shadow pairs of the 90% legacy serves, whichever is judged first.
  const { live, shadow } = rolledBack.last.figures
  t.ok(live.new.errorRate > 0 || shadow.new.errorRate > 0, `new's error rate: live ${live.new.errorRate}, shadow ${shadow.new.errorRate}`)
  t.ok(seenMs < intervalMs + 1_500, `rollback seen ${sinceFlipMs} ms after new started failing, after ${failedCalls} failed calls` +
    (enoughAt === undefined ? ' (before the step had 20 of them)' : `, ${seenMs} ms after the 20th`) + ` (interval ${intervalMs} ms)`)

  const flags = await admin(gw.url, 'GET', '/admin/flags/chat')
  t.match(flags.body, { enabled: false, canary: 0, source: { enabled: 'admin', canary: 'admin' } }, 'flag off, canary 0')

  const audit = (await admin(gw.url, 'GET', '/admin/audit?feature=chat&limit=1000')).body.entries.reverse()
  const onStep = audit.filter((e: any) => e.action.startsWith('rollout.') && e.before?.step === 10)
  const actions = onStep.map((e: any) => e.action)
  t.equal(actions.at(-1), 'rollout.rollback', 'the 10% step ends in a rollback')
  t.ok(actions.slice(0, -1).every((a: string) => a === 'rollout.hold' || a === 'rollout.bake'), `held or baked before it, never promoted: ${actions.join(', ')}`)
  t.match(onStep.at(-1).after, { status: 'rolled_back', figures: { verdict: 'not_ready', reasons: [{ code: 'error_rate' }] } })

  const metrics = await (await fetch(`${gw.url}/metrics`)).text()
  t.match(metrics, /app_rollout_decisions_total\{feature="chat",decision="rollback"\} 1/)
  t.match(metrics, /app_rollout_status\{feature="chat",status="rolled_back"\} 1/)
})
