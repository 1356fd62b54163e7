/**
 * The in-process recorder for the embedded default and single-replica use: one counter map per
 * feature and minute, minutes older than the retention dropped as time moves on. Bounded by
 * features x retention x (4 cells x (2 + buckets used) + 2) numbers.
 */
import { observePair, observeShadowCount, observeSide, type AddCounter } from './observe.js'
import { DEFAULT_RETENTION_MINUTES, MINUTE_MS, type LatencyRecorder, type MinuteCounts } from './recorder-types.js'

export function createMemoryRecorder (retentionMinutes = DEFAULT_RETENTION_MINUTES): LatencyRecorder {
  const features = new Map<string, Map<number, Map<string, number>>>()
  let prunedAt = -1

  const prune = (minute: number): void => {
    if (minute === prunedAt) return
    prunedAt = minute
    for (const minutes of features.values()) {
      for (const key of minutes.keys()) if (key <= minute - retentionMinutes) minutes.delete(key)
    }
  }

  const add: AddCounter = (feature, minute, field, delta) => {
    prune(minute)
    let minutes = features.get(feature)
    if (minutes === undefined) features.set(feature, minutes = new Map())
    let counters = minutes.get(minute)
    if (counters === undefined) minutes.set(minute, counters = new Map())
    counters.set(field, (counters.get(field) ?? 0) + delta)
  }

  return {
    retentionMinutes,
    recordShadowPair (pair, now = Date.now()) { observePair(add, pair, now) },
    recordShadowCount (feature, count, now = Date.now()) { observeShadowCount(add, feature, count, now) },
    recordLive (feature, side, observation, now = Date.now()) {
      observeSide(add, feature, Math.floor(now / MINUTE_MS), 'live', side, observation)
    },
    async read (feature, minutes, now = Date.now()) {
      const current = Math.floor(now / MINUTE_MS)
      const stored = features.get(feature)
      const result: MinuteCounts[] = []
      if (stored === undefined) return result
      for (let minute = current - Math.min(minutes, retentionMinutes) + 1; minute <= current; minute++) {
        const counters = stored.get(minute)
        if (counters !== undefined) result.push({ minute, fields: Object.fromEntries(counters) })
      }
      return result
    },
    async close () { features.clear() }
  }
}
