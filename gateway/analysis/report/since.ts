/**
 * A report counted from a moment instead of over whole minutes: the rollout judges each step on
 * the traffic since the step began. The recorder keeps per-minute counters, so the step's first
 * minute is read at the step's start (the baseline) and subtracted later; minutes before it are
 * left out. With the Redis recorder a replica's last second of unflushed counts can land on
 * either side of the line.
 */
import { MINUTE_MS, type LatencyRecorder, type MinuteCounts } from './recorder-types.js'

export interface ReportSince {
  /** ms since the epoch. */
  at: number
  /** The counters of `at`'s minute as read at `at`. */
  baseline: Readonly<Record<string, number>>
}

/** The counters recorded so far in the current minute: the baseline of a step starting now. */
export async function readBaseline (recorder: LatencyRecorder, feature: string, now = Date.now()): Promise<Record<string, number>> {
  const minute = Math.floor(now / MINUTE_MS)
  const [current] = (await recorder.read(feature, 1, now)).filter((m) => m.minute === minute)
  return { ...current?.fields }
}

/** Whole minutes to read so the window reaches back to `since.at`, within the retention. */
export function windowMinutesSince (since: ReportSince, retentionMinutes: number, now = Date.now()): number {
  const minutes = Math.floor(now / MINUTE_MS) - Math.floor(since.at / MINUTE_MS) + 1
  return Math.max(1, Math.min(minutes, retentionMinutes))
}

export function countsSince (minutes: readonly MinuteCounts[], since: ReportSince): MinuteCounts[] {
  const first = Math.floor(since.at / MINUTE_MS)
  const result: MinuteCounts[] = []
  for (const minute of minutes) {
    if (minute.minute < first) continue
    if (minute.minute > first) {
      result.push(minute)
      continue
    }
    const fields: Record<string, number> = {}
    for (const [field, value] of Object.entries(minute.fields)) {
      const left = value - (since.baseline[field] ?? 0)
      if (left > 0) fields[field] = left
    }
    result.push({ minute: minute.minute, fields })
  }
  return result
}
