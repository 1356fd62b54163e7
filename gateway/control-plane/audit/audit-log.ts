/**
 * The audit trail of admin changes: who changed what, from what, to what, when. Newest first,
 * capped. The in-memory log serves the embedded default; redis-audit-log.ts is shared by every
 * replica.
 */
import type { Decision, OperatorAction } from '../rollout/rollout-vocabulary.js'

export const DEFAULT_AUDIT_MAX_ENTRIES = 1000

export interface AuditCaller {
  /** First 8 hex digits of sha256(token); null when no token is configured (loopback caller). */
  tokenId: string | null
  remoteAddress: string
}

/** The admin API's own actions. */
export type AdminAuditAction = 'flag.set' | 'flag.clear' | 'rollback' | 'rollback.all' | 'reload' | 'pin.issue' | 'diff.known.add' | 'diff.known.remove' | 'handoff.check'

/** A rollout's entries: an operator's action or the controller's decision (rollout-audit.ts). */
export type RolloutAuditAction = `rollout.${OperatorAction | Decision}`

/** The alert queue's entries: an alert it gave up on (gateway/control-plane/alerts). */
export type AlertAuditAction = 'alert.dropped'

export type AuditAction = AdminAuditAction | RolloutAuditAction | AlertAuditAction

export interface AuditEntry {
  /** ISO 8601 */
  at: string
  who: AuditCaller
  action: AuditAction
  feature: string | null
  before: unknown
  after: unknown
  /** Why, in the caller's words (a rollback's optional `reason`). */
  reason?: string
  requestId?: string
}

export interface AuditQuery {
  limit?: number
  feature?: string
}

export interface AuditLog {
  record (entry: AuditEntry): Promise<void>
  /** Newest first. */
  list (query?: AuditQuery): Promise<AuditEntry[]>
  close (): Promise<void>
}

export function createMemoryAuditLog (maxEntries = DEFAULT_AUDIT_MAX_ENTRIES): AuditLog {
  const entries: AuditEntry[] = []
  return {
    async record (entry) {
      entries.unshift(entry)
      if (entries.length > maxEntries) entries.length = maxEntries
    },
    async list (query = {}) {
      return filterEntries(entries, query)
    },
    async close () {}
  }
}

export function filterEntries (entries: AuditEntry[], { limit = 100, feature }: AuditQuery): AuditEntry[] {
  const matching = feature === undefined ? entries : entries.filter((entry) => entry.feature === feature)
  return matching.slice(0, limit)
}
