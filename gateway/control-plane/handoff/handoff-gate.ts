/**
 * The rollout controller's use of the handoff check: before a promotion (or a dry run's
 * would_promote) of a plan with `handoffCheck: true`, run the check; a failure holds the step,
 * with the check's reason as the decision's `why` (audit trail, rollout view, dashboard), is
 * counted in `app_rollout_handoff_checks_total` and alerted (controller.ts).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { GatewayConfig, RolloutConfig } from '../../core/config/gateway-config.js'
import { runHandoffCheck, type HandoffResult } from './handoff-check.js'

export interface HandoffGateInput {
  feature: string
  plan: RolloutConfig
  decision: string
  config: GatewayConfig
  log?: FastifyBaseLogger
}

/** Null: the check did not run (no handoffCheck, or not a promotion). */
export type HandoffGateOutcome = null
  | { ok: true, result: HandoffResult }
  /** `result` null: the check could not run at all (it threw). */
  | { ok: false, why: string, result: HandoffResult | null }

export type HandoffGate = (input: HandoffGateInput) => Promise<HandoffGateOutcome>

export function createHandoffGate (run: (input: HandoffGateInput) => Promise<HandoffResult> = async (input) =>
  await runHandoffCheck({ config: input.config, env: process.env, feature: input.feature, log: input.log })): HandoffGate {
  return async (input) => {
    if (input.plan.handoffCheck !== true || (input.decision !== 'promote' && input.decision !== 'would_promote')) return null
    try {
      const result = await run(input)
      return result.ok ? { ok: true, result } : { ok: false, why: `handoff check ${result.status}: ${result.reason}`, result }
    } catch (err) {
      return { ok: false, why: `handoff check failed to run: ${(err as Error).message}`, result: null }
    }
  }
}

export const handoffGate: HandoffGate = createHandoffGate()
