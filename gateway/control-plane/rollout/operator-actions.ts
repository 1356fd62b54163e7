/**
 * start, pause, resume, abort and complete, from the admin API on any replica. They change the shared
 * state only (compare-and-set, retried on a race with the controller); the replica holding the
 * controller lock applies the flags on its next tick. Abort also rolls the flags back here and
 * now: an operator stopping a rollout should not wait for a tick. Complete, the step from live
 * to complete that the controller never takes, also writes its override here and now.
 */
import type { AuditCaller } from '../audit/audit-log.js'
import type { OperatorAction } from './rollout-vocabulary.js'
import type { ConfigHolder } from '../../data-plane/config-holder.js'
import { RolloutBadPlanError, RolloutConflictError, RolloutNoPlanError } from '../../core/errors.js'
import type { OverrideStore } from '../../data-plane/overrides/override-store.js'
import { ROLLED_BACK } from '../../data-plane/overrides/override-store.js'
import { envFlagName } from '../../data-plane/routing/effective-flag.js'
import { planProblems, stepLabel, stepOverride } from './plan.js'
import { rolloutAuditEntry } from './rollout-audit.js'
import type { RolloutState, RolloutStateStore } from './rollout-state.js'

export interface ActionContext {
  holder: ConfigHolder
  overrides: OverrideStore
  store: RolloutStateStore
  now?: () => number
}

export interface ActionRequest {
  feature: string
  who: AuditCaller
  requestId?: string
  /** start only: override the plan's dryRun. */
  dryRun?: boolean
}

const ATTEMPTS = 3

function starting (ctx: ActionContext, request: ActionRequest, current: RolloutState | null, at: number): RolloutState {
  const { feature } = request
  const config = ctx.holder.current()
  const plan = config.config.features[feature].rollout
  if (plan === undefined) throw new RolloutNoPlanError(feature, feature)
  const problems = planProblems(plan, config.config.features[feature])
  if (problems.length > 0) throw new RolloutBadPlanError(problems.join('; '))
  if (config.decideContext.envFlags.has(feature)) {
    throw new RolloutConflictError(`${envFlagName(feature)} is set in this gateway's environment and outranks the admin overrides a rollout uses; remove it and restart first`)
  }
  if (current !== null && (current.status === 'running' || current.status === 'paused')) {
    throw new RolloutConflictError(`the rollout of "${feature}" is already ${current.status}; pause, resume or abort it`)
  }
  return {
    feature,
    status: 'running',
    steps: [...plan.steps],
    stepIndex: 0,
    applied: false,
    stepEnteredAt: null,
    baseline: null,
    readySince: null,
    dryRun: request.dryRun ?? plan.dryRun,
    startedAt: at,
    updatedAt: at,
    reason: null,
    last: null,
    version: current?.version ?? 0
  }
}

function transition (action: OperatorAction, request: ActionRequest, current: RolloutState | null, at: number): RolloutState {
  const { feature } = request
  const expect = (...statuses: Array<RolloutState['status']>): RolloutState => {
    if (current === null) throw new RolloutConflictError(`"${feature}" has no rollout; start one first`)
    if (!statuses.includes(current.status)) throw new RolloutConflictError(`cannot ${action} the rollout of "${feature}": it is ${current.status}`)
    return current
  }
  switch (action) {
    case 'pause':
      return { ...expect('running'), status: 'paused', reason: 'paused by an operator', updatedAt: at }
    case 'resume':
      // The step is applied again and its samples and bake time start over.
      return { ...expect('paused'), status: 'running', applied: false, readySince: null, reason: null, updatedAt: at }
    case 'abort':
      return { ...expect('running', 'paused'), status: 'aborted', applied: false, reason: 'aborted by an operator: flag off, canary 0', updatedAt: at }
    case 'complete': {
      const state = expect('running', 'paused')
      if (state.steps[state.stepIndex] !== 'live' || state.steps[state.stepIndex + 1] !== 'complete') {
        throw new RolloutConflictError(`cannot complete the rollout of "${feature}": it is on ${stepLabel(state.steps[state.stepIndex])}, and complete follows live in the plan`)
      }
      return { ...state, status: 'running', stepIndex: state.stepIndex + 1, applied: false, stepEnteredAt: null, baseline: null, readySince: null, reason: null, updatedAt: at }
    }
    default:
      throw new TypeError(`unknown rollout action ${action}`)
  }
}

export async function runOperatorAction (ctx: ActionContext, action: OperatorAction, request: ActionRequest): Promise<RolloutState> {
  const now = ctx.now ?? Date.now
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.store.get(request.feature)
    const at = now()
    const next = action === 'start' ? starting(ctx, request, current, at) : transition(action, request, current, at)
    const audit = rolloutAuditEntry(action, request.who, current, next, { requestId: request.requestId })
    const result = await ctx.store.write(next, current?.version ?? 0, { audit })
    if (result === 'written') {
      if (action === 'abort' && !next.dryRun) await ctx.overrides.set(request.feature, ROLLED_BACK)
      if (action === 'complete' && !next.dryRun) await ctx.overrides.set(request.feature, stepOverride('complete'))
      return { ...next, version: (current?.version ?? 0) + 1 }
    }
    if (attempt >= ATTEMPTS) throw new RolloutConflictError(`the rollout of "${request.feature}" kept changing while ${action} was tried; try again`)
  }
}
