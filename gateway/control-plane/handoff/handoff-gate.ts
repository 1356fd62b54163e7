/**
 * The rollout controller's use of the handoff check: before a promotion (or a dry run's
 * would_promote) of a plan with `handoffCheck: true`, run the check; a failure holds the step,
 * with the check's reason as the decision's `why` (audit trail and rollout view).
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

/** Null: the step may move. Otherwise why it may not. */
export type HandoffGate = (input: HandoffGateInput) => Promise<string | null>

export function createHandoffGate (run: (input: HandoffGateInput) => Promise<HandoffResult> = async (input) =>
  await runHandoffCheck({ config: input.config, env: process.env, feature: input.feature, log: input.log })): HandoffGate {
  return async (input) => {
    if (input.plan.handoffCheck !== true || (input.decision !== 'promote' && input.decision !== 'would_promote')) return null
    try {
      const result = await run(input)
      return result.ok ? null : `handoff check ${result.status}: ${result.reason}`
    } catch (err) {
      return `handoff check failed to run: ${(err as Error).message}`
    }
  }
}

export const handoffGate: HandoffGate = createHandoffGate()
