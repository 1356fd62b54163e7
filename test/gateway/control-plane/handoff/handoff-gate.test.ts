/** The rollout controller's handoff gate: runs only for a plan with handoffCheck, only before a promotion. */
import t from 'tap'
import type { GatewayConfig, RolloutConfig } from '../../../../gateway/core/config/gateway-config.js'
import { createHandoffGate } from '../../../../gateway/control-plane/handoff/handoff-gate.js'
import type { HandoffResult } from '../../../../gateway/control-plane/handoff/handoff-check.js'

const config = {} as unknown as GatewayConfig
const plan = (handoffCheck: boolean): RolloutConfig => ({ handoffCheck } as unknown as RolloutConfig)

t.test('holds a promotion with the check\'s reason; leaves everything else alone', async (t) => {
  let runs = 0
  const failed = { ok: false, status: 'fail', reason: 'session abc new dropped x' } as unknown as HandoffResult
  const failing = createHandoffGate(async () => { runs++; return failed })
  t.same(await failing({ feature: 'chat', plan: plan(true), decision: 'promote', config }), { ok: false, why: 'handoff check fail: session abc new dropped x', result: failed })
  t.same(await failing({ feature: 'chat', plan: plan(true), decision: 'would_promote', config }), { ok: false, why: 'handoff check fail: session abc new dropped x', result: failed })
  t.equal(await failing({ feature: 'chat', plan: plan(true), decision: 'bake', config }), null, 'not a promotion: not run')
  t.equal(await failing({ feature: 'chat', plan: plan(false), decision: 'promote', config }), null, 'no handoffCheck: not run')
  t.equal(runs, 2)
  const passed = { ok: true, status: 'pass', reason: '' } as unknown as HandoffResult
  const passing = createHandoffGate(async () => passed)
  t.same(await passing({ feature: 'chat', plan: plan(true), decision: 'promote', config }), { ok: true, result: passed })
  const throwing = createHandoffGate(async () => { throw new Error('boom') })
  t.same(await throwing({ feature: 'chat', plan: plan(true), decision: 'promote', config }), { ok: false, why: 'handoff check failed to run: boom', result: null })
})
