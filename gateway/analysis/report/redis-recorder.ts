/**
 * The recorder shared by all replicas: one Redis hash per feature and minute
 * (`<prefix>lat:<feature>:<minute>`), fields as in recorder-types.ts, each expiring after the
 * retention. Requests never wait on Redis: increments gather in memory and go out as one
 * pipeline of HINCRBYs every `flushIntervalMs`; a failed flush drops that batch and counts it
 * (a report is statistics, not an audit trail) and the next batch tries again.
 */
import type { RedisClient } from '@strangler-gateway/flask-session'
import { observePair, observeShadowCount, observeSide, type AddCounter } from './observe.js'
import { DEFAULT_RETENTION_MINUTES, MINUTE_MS, type LatencyRecorder, type MinuteCounts } from './recorder-types.js'

export const DEFAULT_FLUSH_INTERVAL_MS = 1_000

export interface RedisRecorderOptions {
  redis: RedisClient
  keyPrefix: string
  retentionMinutes?: number
  flushIntervalMs?: number
  /** Told about a failed flush; the batch is dropped. */
  onError?: (err: unknown, droppedIncrements: number) => void
}

export interface RedisLatencyRecorder extends LatencyRecorder {
  flush (): Promise<void>
  /** Increments lost to failed flushes since start. */
  dropped (): number
}

export function createRedisRecorder (options: RedisRecorderOptions): RedisLatencyRecorder {
  const { redis, keyPrefix } = options
  const retentionMinutes = options.retentionMinutes ?? DEFAULT_RETENTION_MINUTES
  const ttlSeconds = (retentionMinutes + 2) * 60
  const keyOf = (feature: string, minute: number): string => `${keyPrefix}lat:${feature}:${minute}`
  let pending = new Map<string, Map<string, number>>()
  let droppedIncrements = 0

  const add: AddCounter = (feature, minute, field, delta) => {
    const key = keyOf(feature, minute)
    let fields = pending.get(key)
    if (fields === undefined) pending.set(key, fields = new Map())
    fields.set(field, (fields.get(field) ?? 0) + delta)
  }

  async function flush (): Promise<void> {
    if (pending.size === 0) return
    const batch = pending
    pending = new Map()
    const pipeline = redis.pipeline()
    let increments = 0
    for (const [key, fields] of batch) {
      for (const [field, delta] of fields) { pipeline.hincrby(key, field, delta); increments++ }
      pipeline.expire(key, ttlSeconds)
    }
    try {
      const results = await pipeline.exec()
      const failed = results?.find(([err]) => err !== null)
      if (failed !== undefined) throw failed[0]
    } catch (err) {
      droppedIncrements += increments
      options.onError?.(err, increments)
    }
  }

  const timer = setInterval(() => { flush().catch(() => {}) }, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS)
  timer.unref()

  return {
    retentionMinutes,
    flush,
    dropped: () => droppedIncrements,
    recordShadowPair (pair, now = Date.now()) { observePair(add, pair, now) },
    recordShadowCount (feature, count, now = Date.now()) { observeShadowCount(add, feature, count, now) },
    recordLive (feature, side, observation, now = Date.now()) {
      observeSide(add, feature, Math.floor(now / MINUTE_MS), 'live', side, observation)
    },
    async read (feature, minutes, now = Date.now()) {
      // This replica's own pending counts go first, so a report right after traffic sees it.
      await flush()
      const current = Math.floor(now / MINUTE_MS)
      const span: number[] = []
      for (let minute = current - Math.min(minutes, retentionMinutes) + 1; minute <= current; minute++) span.push(minute)
      const pipeline = redis.pipeline()
      for (const minute of span) pipeline.hgetall(keyOf(feature, minute))
      const results = (await pipeline.exec()) ?? []
      const out: MinuteCounts[] = []
      results.forEach(([err, value], i) => {
        if (err !== null) throw err
        const hash = value as Record<string, string>
        const names = Object.keys(hash)
        if (names.length === 0) return
        const fields: Record<string, number> = {}
        for (const name of names) fields[name] = Number(hash[name])
        out.push({ minute: span[i], fields })
      })
      return out
    },
    async close () {
      clearInterval(timer)
      await flush()
    }
  }
}
