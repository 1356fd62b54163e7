/** The diff store's contract: the shadow plugin writes through it, the admin API reads through it. */
import type { Difference, DifferenceKind, Verdict } from '../diff/diff-types.js'

/** What happened to one shadowed exchange. `compared` in summaries is equal + different. */
export type DiffOutcome = 'equal' | 'different' | 'dropped' | 'error' | 'too_large'

export interface DiffRecord {
  id: string
  /** ISO 8601, UTC. */
  time: string
  feature: string
  /** The route template from routes.yaml, never the raw URL. */
  route: string
  method: string
  /** Request path with query values removed (`/api/x?page=&q=`). */
  path: string
  /** A one-way hash of the session id; null without a session. Never the raw id or cookie. */
  sessionHash: string | null
  /**
   * The side that served the user, whose answer is the comparison's reference (a difference's
   * `lhs`): `legacy` for shadows to new, `new` for the live stage's copies to legacy. Records
   * stored before the live stage have none: legacy.
   */
  primary?: 'legacy' | 'new'
  /** status 0: legacy's copy (the live stage) gave no response. */
  legacy: { status: number, latencyMs: number }
  /** status 0: the candidate gave no response (timeout, connection error). */
  candidate: { status: number, latencyMs: number }
  verdict: Verdict
  /** Redacted and cut; at most the first N differences. */
  differences: Difference[]
  /** How many differences there were before the list was cut. */
  differenceCount: number
  /** Distinct differing fields, array indices generalised (`history[].ai`, `@status`). */
  fields: string[]
  noiseDropped: number
  reason?: string
}

export interface ListQuery {
  feature?: string
  route?: string
  /** Only records with at least one difference of this kind. */
  kind?: DifferenceKind
  verdict?: Verdict
  /** Default 50, at most 500. */
  limit?: number
  offset?: number
}

export interface ListResult {
  records: DiffRecord[]
  /** Pass as `offset` for the next page; null on the last page. */
  nextOffset: number | null
}

export interface OutcomeCounts {
  compared: number
  equal: number
  different: number
  dropped: number
  errors: number
  tooLarge: number
}

export interface FieldRate {
  field: string
  /** Exchanges on which this field differed. */
  count: number
  /** count / compared. */
  rate: number
}

export interface VolatileField extends FieldRate {
  /** The ignore path that silences it, or null when it is not a body field. */
  suggestedIgnore: string | null
}

export interface RouteSummary extends OutcomeCounts {
  feature: string
  route: string
  /** different / compared; 0 with nothing compared. */
  diffRate: number
  topFields: FieldRate[]
  volatileFields: VolatileField[]
}

export interface FeatureSummary extends OutcomeCounts {
  diffRate: number
  /** Ignore paths of this feature's volatile body fields. */
  suggestedIgnorePaths: string[]
  /** The routes.yaml lines to add them with, or null when there is nothing to suggest. */
  suggestedRoutesYaml: string | null
}

export interface DiffSummary {
  generatedAt: string
  features: Record<string, FeatureSummary>
  routes: RouteSummary[]
}

export interface DiffStoreStats {
  backend: 'memory' | 'redis'
  recordsWritten: number
  /** Records lost because the store was unreachable or too far behind. */
  recordsDropped: number
  countersWritten: number
  countersDropped: number
  /** Writes sent and not yet answered. */
  inFlight: number
  connected: boolean
  lastError: string | null
}

export interface DiffStore {
  /** Counts the outcome and keeps the record unless it is `equal`. Never rejects. */
  record (record: DiffRecord): Promise<void>
  /** Counts an outcome that has no record (a shadow dropped by the budget, for one). Never rejects. */
  countOutcome (feature: string, route: string, outcome: DiffOutcome): Promise<void>
  /** Newest first. May reject when the backend is unreachable. */
  list (query?: ListQuery): Promise<ListResult>
  /** May reject when the backend is unreachable. */
  summary (): Promise<DiffSummary>
  stats (): DiffStoreStats
  close (): Promise<void>
}

export interface SummaryOptions {
  /** A field differing on at least this share of compared exchanges is volatile. */
  volatileRate?: number
  /** ...once the route has compared at least this many. */
  volatileMinSamples?: number
  topFields?: number
}

export const DEFAULT_MAX_RECORDS_PER_ROUTE = 100
export const DEFAULT_DIFF_TTL_SECONDS = 7 * 24 * 3600
export const DEFAULT_LIST_LIMIT = 50
export const MAX_LIST_LIMIT = 500
