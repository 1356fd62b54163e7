/**
 * A feature's rollout state and where it is kept. With Redis it is shared by every replica, so
 * the replica that takes the controller lock over continues at the same step; writes are
 * compare-and-set on a version, optionally fenced by the controller lock, and carry the audit
 * entry of the decision in the same write (redis-state-store.ts), so a crash can never leave a
 * promotion without its entry or an entry without its promotion.
 */
import type { AuditEntry, AuditLog } from '../audit/audit-log.js'
import type { Decision } from './rollout-vocabulary.js'
import type { RolloutStep } from '../../core/config/gateway-config.js'
import type { VerdictStatus } from '../../analysis/report/verdict.js'

export type RolloutStatus = 'running' | 'paused' | 'aborted' | 'done' | 'rolled_back'

export interface SideSummary { requests: number, errorRate: number | null, p95Ms: number | null }

/** The report figures a decision was made on, as kept in the state and the audit entry. */
export interface DecisionFigures {
  since: string | null
  verdict: VerdictStatus
  reasons: Array<{ code: string, message: string }>
  shadow: { pairs: number, diffRate: number | null, old: SideSummary, new: SideSummary }
  live: { old: SideSummary, new: SideSummary }
  minSamples: number
}

export interface Evaluation {
  at: number
  decision: Decision
  /** Why, in one sentence. */
  why: string
  figures: DecisionFigures | null
}

export interface RolloutState {
  feature: string
  status: RolloutStatus
  /** The plan's steps as they were at start: a reload does not move a running rollout. */
  steps: RolloutStep[]
  stepIndex: number
  /** False until the step's override (or the rollback's) is written; the controller retries. */
  applied: boolean
  /** When the step's override was written; its figures count from here. */
  stepEnteredAt: number | null
  /** The report counters of stepEnteredAt's minute at that moment (gateway/report/since.ts). */
  baseline: Record<string, number> | null
  /** First reading of `ready` on this step, unbroken since; null when the last one was not ready. */
  readySince: number | null
  dryRun: boolean
  startedAt: number
  updatedAt: number
  /** Why it is paused, rolled back, aborted or done. */
  reason: string | null
  last: Evaluation | null
  /** Bumped by every write; 0 means nothing stored. */
  version: number
}

export interface WriteOptions {
  /** The controller lock's token: the write only happens while it is still held. */
  fence?: string
  /** Recorded with the write, or not at all. */
  audit?: AuditEntry
}

export type WriteResult = 'written' | 'conflict' | 'lock_lost'

export interface RolloutStateStore {
  get (feature: string): Promise<RolloutState | null>
  /** Stores `next` as version expected + 1 when the stored version is `expected`. */
  write (next: RolloutState, expected: number, options?: WriteOptions): Promise<WriteResult>
  close (): Promise<void>
}

/** One process: the state in a Map, the audit entry in the admin audit log. */
export function createMemoryStateStore (audit: AuditLog): RolloutStateStore {
  const states = new Map<string, RolloutState>()
  return {
    async get (feature) {
      const state = states.get(feature)
      return state === undefined ? null : structuredClone(state)
    },
    async write (next, expected, options = {}) {
      if ((states.get(next.feature)?.version ?? 0) !== expected) return 'conflict'
      states.set(next.feature, structuredClone({ ...next, version: expected + 1 }))
      if (options.audit !== undefined) await audit.record(options.audit)
      return 'written'
    },
    async close () { states.clear() }
  }
}
