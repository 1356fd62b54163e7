/**
 * A plan with handoffCheck: true does not promote while the session handoff check fails: the
 * step is held, with the check's reason in the rollout view and the audit trail. Here the check
 * fails because the legacy session store holds no session to prove a handoff with (an empty
 * store is no proof); the check's own pass and fail cases are in test/gateway/control-plane/handoff/.
 */
import t from 'tap'
import { admin, emptySessionDir, startRolloutGateway, startTraffic, testPlan, waitFor } from './rollout-harness.js'

t.test('a failing handoff check holds the step that would otherwise be promoted', async (t) => {
  await emptySessionDir(t)
  const gw = await startRolloutGateway(testPlan({ handoffCheck: true }))
  t.teardown(gw.close)
  const traffic = startTraffic(() => [gw.url])
  t.teardown(traffic.stop)

  t.equal((await admin(gw.url, 'POST', '/admin/rollouts/chat/start')).status, 200)
  // The shadow step's verdict turns ready (promote-healthy.test.ts promotes on the same traffic);
  // the check then holds it.
  const held = await waitFor('the controller to hold on the handoff check', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.last?.why?.startsWith('handoff check') === true ? body : undefined
  })
  t.match(held, { status: 'running', step: 'shadow', last: { decision: 'hold', why: /^handoff check no_sessions: / } })
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.match((await admin(gw.url, 'GET', '/admin/rollouts/chat')).body, { step: 'shadow' }, 'still not promoted a few evaluations later')
  await traffic.stop()

  const audit = (await admin(gw.url, 'GET', '/admin/audit?feature=chat&limit=1000')).body.entries
  t.ok(audit.some((e: { action: string, after?: { last?: { why?: string } } }) => e.action === 'rollout.hold' && /handoff check/.test(JSON.stringify(e.after))), 'the hold and its reason are in the audit trail')
  t.notOk(audit.some((e: { action: string }) => e.action === 'rollout.promote'), 'no promotion')
  const flags = await admin(gw.url, 'GET', '/admin/flags/chat')
  t.match(flags.body, { enabled: false }, 'the flag never moved past the shadow step')
})
