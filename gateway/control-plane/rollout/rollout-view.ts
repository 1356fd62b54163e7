/** What GET /admin/rollouts shows: per feature, the plan, where the rollout stands and why. */
import type { RolloutConfig } from '../../core/config/gateway-config.js'
import type { FeatureConfig } from '../../core/config/gateway-config.js'
import { planProblems, stepLabel } from './plan.js'
import type { RolloutState } from './rollout-state.js'

const iso = (ms: number | null | undefined): string | null => ms === null || ms === undefined ? null : new Date(ms).toISOString()

export interface ControllerView {
  replicaId: string
  /** This replica holds the controller lock. */
  leader: boolean
  /** The lock holder's id; null when nobody holds it. */
  holder: string | null
  store: 'redis' | 'memory'
  tickMs: number
  lockTtlMs: number
}

export function describeRollout (feature: string, config: FeatureConfig | undefined, state: RolloutState | null, now = Date.now()) {
  const plan: RolloutConfig | null = config?.rollout ?? null
  const steps = state?.steps ?? plan?.steps ?? []
  const index = state?.stepIndex ?? null
  const baked = state?.readySince === null || state?.readySince === undefined ? null : now - state.readySince
  return {
    feature,
    plan,
    problems: plan === null || config === undefined ? [] : planProblems(plan, config),
    status: state?.status ?? 'idle',
    dryRun: state?.dryRun ?? plan?.dryRun ?? false,
    steps,
    stepIndex: index,
    step: index === null ? null : stepLabel(steps[index]),
    nextStep: index === null || index + 1 >= steps.length ? null : stepLabel(steps[index + 1]),
    applied: state?.applied ?? null,
    startedAt: iso(state?.startedAt),
    stepEnteredAt: iso(state?.stepEnteredAt),
    readySince: iso(state?.readySince),
    bakeRemainingMs: baked === null || plan === null ? null : Math.max(0, plan.bakeMs - baked),
    reason: state?.reason ?? null,
    last: state?.last === null || state?.last === undefined ? null : { ...state.last, at: iso(state.last.at) },
    updatedAt: iso(state?.updatedAt)
  }
}

export type RolloutView = ReturnType<typeof describeRollout>
