/**
 * A plan that ends in live and complete (docs/rollout.md, "The live stage"): the controller takes
 * the feature through shadow and a canary into live, where new serves everyone and legacy gets
 * sampled copies; it never takes the step into complete itself. An operator's `complete` (the
 * admin call here, the CLI below) does, audited, and the copies to legacy stop.
 */
import t from 'tap'
import type { FeatureConfig, RolloutConfig } from '../../../../gateway/core/config/gateway-config.js'
import { planProblems } from '../../../../gateway/control-plane/rollout/plan.js'
import { runCli } from '../../../helpers/run-cli.js'
import { admin, sleep, startRolloutGateway, startTraffic, testPlan, waitFor } from './rollout-harness.js'

const INTERVAL_MS = 100
const PLAN = testPlan({ steps: ['shadow', 50, 'live', 'complete'], intervalMs: INTERVAL_MS })

t.test('shadow -> 50% -> live; the controller holds at live; complete is the operator\'s and stops the copies', async (t) => {
  const gw = await startRolloutGateway(PLAN)
  t.teardown(gw.close)
  const traffic = startTraffic(() => [gw.url])
  t.teardown(traffic.stop)
  const sampled = (): number => gw.app.gateway.shadow.counts().chat?.sampled ?? 0

  t.match(await admin(gw.url, 'POST', '/admin/rollouts/chat/start'), { status: 200, body: { step: 'shadow', nextStep: 'canary 50%' } })
  const early = await admin(gw.url, 'POST', '/admin/rollouts/chat/complete')
  t.match(early, { status: 409, body: { code: 'GW_ERR_ROLLOUT_CONFLICT', message: /it is on shadow/ } }, 'complete is refused before live')

  const held = await waitFor('the controller to hold at live', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    if (body.status !== 'running') throw new Error(`rollout stopped: ${JSON.stringify(body)}`)
    return body.step === 'live' && body.last?.decision === 'hold' && /operator/.test(body.last.why) ? body : undefined
  })
  t.match(held, { status: 'running', step: 'live', nextStep: 'complete', last: { why: /complete needs an operator's word/ } })
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { stage: 'live', enabled: true, canary: 100, override: { stage: 'live' } })

  // Baked and ready, the controller still waits: more ticks, no step.
  const copiesAtHold = sampled()
  await sleep(5 * INTERVAL_MS)
  t.match((await admin(gw.url, 'GET', '/admin/rollouts/chat')).body, { status: 'running', step: 'live' }, 'still live without the operator')
  t.ok(sampled() > copiesAtHold, 'live: legacy keeps getting copies')
  const report = (await admin(gw.url, 'GET', '/admin/report/chat')).body
  t.match(report.phase, { stage: 'live', servedBy: 'new' })

  const completed = await admin(gw.url, 'POST', '/admin/rollouts/chat/complete')
  t.match(completed, { status: 200, body: { step: 'complete', flags: { stage: 'complete' } } }, 'the operator completes it')
  const copiesAtComplete = sampled()
  await waitFor('the rollout to be done', async () => (await admin(gw.url, 'GET', '/admin/rollouts/chat')).body.status === 'done' ? true : undefined)
  await sleep(3 * INTERVAL_MS)
  await traffic.stop()
  t.ok((traffic.served.new ?? 0) > 0)
  t.equal(sampled(), copiesAtComplete, 'no copy to legacy after complete')
  t.match((await admin(gw.url, 'GET', '/admin/report/chat')).body.phase, { stage: 'complete', servedBy: 'new' })

  const audit = (await admin(gw.url, 'GET', '/admin/audit?feature=chat&limit=1000')).body.entries
  const completes = audit.filter((e: { action: string }) => e.action === 'rollout.complete')
  t.equal(completes.length, 1, 'complete is audited once')
  t.match(completes[0], { before: { step: 'live' }, after: { step: 'complete' } })
  t.notOk(audit.some((e: any) => e.action === 'rollout.promote' && e.after.step === 'complete'), 'the controller never promoted to complete')
})

t.test('rollback from live lands on legacy at once', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: ['live', 'complete'], bakeMs: 60_000 }))
  t.teardown(gw.close)
  t.equal((await admin(gw.url, 'POST', '/admin/rollouts/chat/start')).status, 200)
  await waitFor('live applied', async () => (await admin(gw.url, 'GET', '/admin/flags/chat')).body.stage === 'live' ? true : undefined)
  t.equal((await admin(gw.url, 'POST', '/admin/rollback/chat', {})).status, 200)
  const res = await fetch(`${gw.url}/api/x`, { headers: { cookie: 'session=after-rollback' } })
  await res.arrayBuffer()
  t.equal(res.headers.get('x-served-by'), 'legacy', 'the next request is legacy\'s')
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { stage: 'shadow', override: { enabled: false, canary: 0 } })
})

t.test('rollout complete from the command line', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: ['live', 'complete'], bakeMs: 60_000 }))
  t.teardown(gw.close)
  const cli = async (...args: string[]) => await runCli([...args, '--url', gw.url])
  t.match(await cli('rollout', 'complete', 'chat'), { code: 1, err: /409 GW_ERR_ROLLOUT_CONFLICT: .*has no rollout/ })
  t.equal((await cli('rollout', 'start', 'chat')).code, 0)
  t.match(await cli('rollout', 'complete', 'chat'), { code: 0, out: /^chat: running, step complete of live -> complete/ })
  await waitFor('done', async () => /chat: done/.test((await cli('rollout', 'chat')).out) ? true : undefined)
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { stage: 'complete', override: { enabled: true, canary: 100, stage: 'complete' } })
})

t.test('plans: live and complete go last, complete only after live, live needs a sample', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: [10, 'complete', 'live', 50] }))
  t.teardown(gw.close)
  const refused = await admin(gw.url, 'POST', '/admin/rollouts/chat/start')
  t.equal(refused.status, 422)
  t.match(refused.body.message, /steps\[1\]: complete can only be the last step, right after live/)
  t.match(refused.body.message, /steps\[3\]: no canary step after live/)
  t.match(planProblems({ steps: ['live', 'live'] } as RolloutConfig, { shadow: { sample: 0 } } as FeatureConfig), [
    /steps\[1\]: live comes once/,
    /the live step needs shadow.sample > 0/
  ])
  t.same(planProblems({ steps: ['shadow', 5, 'live', 'complete'] } as RolloutConfig, { shadow: { sample: 5 } } as FeatureConfig), [])
})
