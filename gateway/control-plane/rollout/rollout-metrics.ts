/**
 * The rollout's metrics, registered on the gateway's own registry (app.metrics.registry) from
 * here rather than from create-metrics.ts: decisions counted where they are made, the step and
 * status as each replica last read them from the shared state.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { RolloutStep } from '../../core/config/gateway-config.js'
import type { RolloutStatus } from './rollout-state.js'
import type { Decision } from './rollout-vocabulary.js'
import { stepCanary } from './plan.js'

export const ROLLOUT_STATUSES: readonly RolloutStatus[] = ['running', 'paused', 'aborted', 'done', 'rolled_back']

export interface RolloutMetrics {
  decision (feature: string, decision: Decision): void
  /** The feature's current step: its canary percent (shadow: 0) and its index in the plan. */
  step (feature: string, step: RolloutStep, index: number, status: RolloutStatus): void
  leader (holds: boolean): void
  takeover (): void
  /** A handoff check the controller ran before a promotion, and whether it passed. */
  handoffCheck (feature: string, passed: boolean): void
}

export function createRolloutMetrics (registry: Registry): RolloutMetrics {
  const registers = [registry]
  const decisions = new Counter({
    name: 'app_rollout_decisions_total',
    help: 'Rollout controller decisions: promote, hold, bake, rollback, pause, done, and would_* in dry run.',
    labelNames: ['feature', 'decision'] as const,
    registers
  })
  const canary = new Gauge({ name: 'app_rollout_step_canary_percent', help: 'Canary percent of the rollout step (shadow step: 0; live and complete: 100).', labelNames: ['feature'] as const, registers })
  const index = new Gauge({ name: 'app_rollout_step_index', help: 'Index of the current step in the rollout plan, from 0.', labelNames: ['feature'] as const, registers })
  const status = new Gauge({ name: 'app_rollout_status', help: '1 for the rollout\'s current status, 0 for the others.', labelNames: ['feature', 'status'] as const, registers })
  const leader = new Gauge({ name: 'app_rollout_leader', help: '1 while this replica holds the rollout controller lock.', registers })
  const takeovers = new Counter({ name: 'app_rollout_lock_acquired_total', help: 'Times this replica took the rollout controller lock.', registers })
  const handoffChecks = new Counter({
    name: 'app_rollout_handoff_checks_total',
    help: 'Session handoff checks the rollout controller ran before a promotion, by result (pass, fail); a fail holds the step.',
    labelNames: ['feature', 'result'] as const,
    registers
  })
  return {
    decision: (feature, decision) => decisions.inc({ feature, decision }),
    step (feature, step, i, current) {
      canary.set({ feature }, stepCanary(step))
      index.set({ feature }, i)
      for (const s of ROLLOUT_STATUSES) status.set({ feature, status: s }, s === current ? 1 : 0)
    },
    leader: (holds) => leader.set(holds ? 1 : 0),
    takeover: () => takeovers.inc(),
    handoffCheck: (feature, passed) => handoffChecks.inc({ feature, result: passed ? 'pass' : 'fail' })
  }
}
