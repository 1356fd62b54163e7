/** Recorded minutes -> the figures a report shows: per source and side, quantiles and rates. Pure. */
import { BUCKET_COUNT, quantileMs } from './latency-buckets.js'
import {
  COVERAGE_FIELDS, DIFFERENT_FIELD, FIELDS, KNOWN_FIELD, MINUTE_MS, PAIRS_FIELD,
  type CellFields, type MinuteCounts, type Side, type Source
} from './recorder-types.js'

export interface SideFigures {
  /** Requests (the sample size). */
  requests: number
  errors: number
  /** errors / requests; null without requests. */
  errorRate: number | null
  p50Ms: number | null
  p95Ms: number | null
}

export interface SourceFigures { old: SideFigures, new: SideFigures }

export interface WindowFigures {
  /** Shadow pairs: both sides answered the same request; the cleanest comparison. */
  /** `different` leaves out the pairs whose every difference is known; those are `known`. */
  shadow: SourceFigures & { pairs: number, different: number, known: number, diffRate: number | null }
  /** Live traffic: legacy-served vs new-served (canary) requests of the feature. */
  live: SourceFigures
  coverage: CoverageFigures
}

/**
 * Sampled shadows and how they ended, in the window: each sampled shadow ends once as compared,
 * dropped or errored; `pending` is what has not ended (yet, or at the window's edges).
 * `ratio` is compared / sampled, null without samples: the traffic the comparison really saw.
 */
export interface CoverageFigures {
  sampled: number
  compared: number
  dropped: number
  errored: number
  pending: number
  ratio: number | null
}

export interface SeriesPoint {
  /** Start of the minute, ms since the epoch. */
  time: number
  live: SourceFigures
  shadow: SourceFigures
  pairs: number
  different: number
  diffRate: number | null
}

const round = (value: number | null, digits = 1): number | null =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits

function sideFigures (minutes: readonly MinuteCounts[], fields: CellFields): SideFigures {
  const counts = new Array<number>(BUCKET_COUNT).fill(0)
  let requests = 0
  let errors = 0
  for (const { fields: values } of minutes) {
    requests += values[fields.requests] ?? 0
    errors += values[fields.errors] ?? 0
    for (let i = 0; i < BUCKET_COUNT; i++) counts[i] += values[fields.buckets[i]] ?? 0
  }
  return {
    requests,
    errors,
    errorRate: requests === 0 ? null : round(errors / requests, 4),
    p50Ms: round(quantileMs(counts, 0.5)),
    p95Ms: round(quantileMs(counts, 0.95))
  }
}

function sourceFigures (minutes: readonly MinuteCounts[], source: Source): SourceFigures {
  const side = (s: Side): SideFigures => sideFigures(minutes, FIELDS[source][s])
  return { old: side('old'), new: side('new') }
}

function pairCounts (minutes: readonly MinuteCounts[]): { pairs: number, different: number, known: number, diffRate: number | null } {
  let pairs = 0
  let different = 0
  let known = 0
  for (const { fields } of minutes) {
    pairs += fields[PAIRS_FIELD] ?? 0
    different += fields[DIFFERENT_FIELD] ?? 0
    known += fields[KNOWN_FIELD] ?? 0
  }
  return { pairs, different, known, diffRate: pairs === 0 ? null : round(different / pairs, 4) }
}

export function coverageFigures (minutes: readonly MinuteCounts[]): CoverageFigures {
  let sampled = 0
  let compared = 0
  let dropped = 0
  let errored = 0
  for (const { fields } of minutes) {
    sampled += fields[COVERAGE_FIELDS.sampled] ?? 0
    compared += fields[COVERAGE_FIELDS.compared] ?? 0
    dropped += fields[COVERAGE_FIELDS.dropped] ?? 0
    errored += fields[COVERAGE_FIELDS.errored] ?? 0
  }
  const pending = Math.max(0, sampled - compared - dropped - errored)
  return { sampled, compared, dropped, errored, pending, ratio: sampled === 0 ? null : round(Math.min(1, compared / sampled), 4) }
}

export function summariseWindow (minutes: readonly MinuteCounts[]): WindowFigures {
  return {
    shadow: { ...sourceFigures(minutes, 'shadow'), ...pairCounts(minutes) },
    live: sourceFigures(minutes, 'live'),
    coverage: coverageFigures(minutes)
  }
}

/** One point per recorded minute, for the dashboard's charts. */
export function summariseSeries (minutes: readonly MinuteCounts[]): SeriesPoint[] {
  return minutes.map((minute) => ({
    time: minute.minute * MINUTE_MS,
    live: sourceFigures([minute], 'live'),
    shadow: sourceFigures([minute], 'shadow'),
    ...pairCounts([minute])
  }))
}
