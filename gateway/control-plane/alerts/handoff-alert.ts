/**
 * What a failed handoff check alert says. The handoff route (GET /admin/handoff/:feature, for
 * the operator or the CLI) and the rollout controller (a plan with handoffCheck: true) hand
 * over a notice when the check did not pass; it becomes one alert that every sink formats
 * (sink-formats.ts). Sessions appear only hashed, as the check reports them.
 */
import type { AuditCaller } from '../audit/audit-log.js'
import type { HandoffResult } from '../handoff/handoff-check.js'
import { reportUrl, type RolledBackBy } from './rollback-alert.js'

export interface HandoffFailureNotice {
  feature: string
  /** `operator`: an on-demand check; `rollout-controller`: the check before a promotion. */
  by: RolledBackBy
  who: AuditCaller
  result: Pick<HandoffResult, 'status' | 'reason' | 'sessions' | 'at'>
  /** The rollout step the failure holds (`shadow`, `canary 10%`); the controller's only. */
  step?: string
}

/** The generic webhook's body. */
export interface HandoffAlert {
  action: 'handoff.failed'
  /** The same in every sink's copy and in every retry of it: receivers can deduplicate on it. */
  id: string
  at: string
  feature: string
  by: RolledBackBy
  who: AuditCaller
  status: HandoffResult['status']
  reason: string
  step: string | null
  /** Hashed ids of the sessions that did not hand off, with why. */
  failed: Array<{ session: string, reasons: string[] }>
  report: string | null
  replica: string
}

export function buildHandoffAlert (notice: HandoffFailureNotice, { id, replica, publicUrl }: { id: string, replica: string, publicUrl: string | null }): HandoffAlert {
  const { result } = notice
  return {
    action: 'handoff.failed',
    id,
    at: result.at,
    feature: notice.feature,
    by: notice.by,
    who: notice.who,
    status: result.status,
    reason: result.reason,
    step: notice.step ?? null,
    failed: result.sessions.filter((s) => !s.ok).map((s) => ({ session: s.session, reasons: s.clones.flatMap((c) => c.reasons.map((r) => `${c.order.join(' then ')}: ${r}`)) })),
    report: reportUrl(publicUrl, notice.feature),
    replica
  }
}

/** `the rollout controller, holding canary 10%` or `an on-demand check by token 9f86d081`. */
export function describeHandoffSource (alert: HandoffAlert): string {
  if (alert.by === 'rollout-controller') return `the rollout controller${alert.step === null ? '' : `, holding ${alert.step}`}`
  return alert.who.tokenId === null ? `an on-demand check from ${alert.who.remoteAddress}` : `an on-demand check by token ${alert.who.tokenId}`
}
