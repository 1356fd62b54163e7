/**
 * What the report records, per feature, per minute: for each source (shadow pairs, live
 * traffic) and side (old = legacy, new = new service) a request count, an error count and
 * latency bucket counts; for shadow pairs also how many differed. Stored as flat counters
 * named like Redis hash fields, so the memory and Redis recorders share one shape.
 */
import { BUCKET_COUNT } from './latency-buckets.js'

export type Side = 'old' | 'new'
export type Source = 'shadow' | 'live'

export interface SideObservation {
  /** null when there is no meaningful latency (the call failed before answering). */
  latencyMs: number | null
  /** HTTP status; 0 when there was no response. 5xx and 0 count as errors. */
  status: number
}

export interface ShadowPair {
  feature: string
  legacy: SideObservation
  /** `{ latencyMs: null, status: 0 }` when new gave no answer (timeout, connection error). */
  candidate: SideObservation
  /** The comparison found differences (verdict `different`) that are not all known. */
  different: boolean
  /** Every difference it found is an accepted known difference: counted apart, not judged. */
  known?: boolean
}

/** A sampled shadow (`sampled`), then how it ended (data-plane/events.ts ShadowOutcome). */
export type ShadowCoverageCount = 'sampled' | 'compared' | 'dropped' | 'errored'

export interface MinuteCounts {
  /** Minutes since the epoch. */
  minute: number
  fields: Record<string, number>
}

export interface LatencyRecorder {
  /** Called by the shadow plugin once a pair is compared. Never throws, never waits. */
  recordShadowPair (pair: ShadowPair, now?: number): void
  /** Called once when a shadow is sampled and once when it ends. Never throws, never waits. */
  recordShadowCount (feature: string, count: ShadowCoverageCount, now?: number): void
  /** Called for live traffic (flag/canary), one side per request. Never throws, never waits. */
  recordLive (feature: string, side: Side, observation: SideObservation, now?: number): void
  /** The last `minutes` minutes of one feature, oldest first; only minutes with data. */
  read (feature: string, minutes: number, now?: number): Promise<MinuteCounts[]>
  /** How many minutes back `read` can see. */
  readonly retentionMinutes: number
  close (): Promise<void>
}

export const DEFAULT_RETENTION_MINUTES = 60
export const MINUTE_MS = 60_000

export const PAIRS_FIELD = 'shadow:pairs'
export const DIFFERENT_FIELD = 'shadow:diff'
export const KNOWN_FIELD = 'shadow:known'
/** Per ShadowCoverageCount, e.g. `shadow:sampled`. */
export const COVERAGE_FIELDS: Readonly<Record<ShadowCoverageCount, string>> = Object.freeze({
  sampled: 'shadow:sampled',
  compared: 'shadow:compared',
  dropped: 'shadow:dropped',
  errored: 'shadow:errored'
})

export interface CellFields {
  requests: string
  errors: string
  buckets: readonly string[]
}

function cell (source: Source, side: Side): CellFields {
  const prefix = `${source}:${side}:`
  return Object.freeze({
    requests: `${prefix}n`,
    errors: `${prefix}err`,
    buckets: Object.freeze(Array.from({ length: BUCKET_COUNT }, (_, i) => `${prefix}b${i}`))
  })
}

/** Field names built once, so recording a request allocates no strings. */
export const FIELDS: Readonly<Record<Source, Readonly<Record<Side, CellFields>>>> = Object.freeze({
  shadow: Object.freeze({ old: cell('shadow', 'old'), new: cell('shadow', 'new') }),
  live: Object.freeze({ old: cell('live', 'old'), new: cell('live', 'new') })
})

export const isError = (status: number): boolean => status >= 500 || status === 0
