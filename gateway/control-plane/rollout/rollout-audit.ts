/**
 * Rollout entries of the shared audit trail: `rollout.<decision>` from the controller (who: the
 * replica holding the lock) and `rollout.start|pause|resume|abort|complete` from operators. `after`
 * carries the report figures the decision was made on.
 */
import type { AuditCaller, AuditEntry } from '../audit/audit-log.js'
import type { Evaluation, RolloutState } from './rollout-state.js'
import type { Decision, OperatorAction } from './rollout-vocabulary.js'

export interface RolloutPosition {
  status: RolloutState['status']
  stepIndex: number
  step: RolloutState['steps'][number] | null
  dryRun: boolean
}

export function positionOf (state: RolloutState | null): RolloutPosition | null {
  if (state === null) return null
  return { status: state.status, stepIndex: state.stepIndex, step: state.steps[state.stepIndex] ?? null, dryRun: state.dryRun }
}

export function controllerCaller (replicaId: string): AuditCaller {
  return { tokenId: null, remoteAddress: `rollout-controller ${replicaId}` }
}

export function rolloutAuditEntry (
  action: OperatorAction | Decision, who: AuditCaller, before: RolloutState | null, after: RolloutState,
  { evaluation, requestId }: { evaluation?: Evaluation, requestId?: string } = {}
): AuditEntry {
  return {
    at: new Date(after.updatedAt).toISOString(),
    who,
    action: `rollout.${action}`,
    feature: after.feature,
    before: positionOf(before),
    after: { ...positionOf(after), reason: after.reason, why: evaluation?.why ?? null, figures: evaluation?.figures ?? null },
    ...(requestId === undefined ? {} : { requestId })
  }
}
