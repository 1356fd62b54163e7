/**
 * Where accepted known differences live: process memory, or a Redis hash shared by every
 * replica (`<prefix>known-diffs`, id -> JSON). Matching runs on the live shadow path, so it reads
 * a local copy; the Redis store refreshes it after each local write and every few seconds, so a
 * change made on one replica reaches the others within `refreshMs`.
 */
import { randomBytes } from 'node:crypto'
import type { RedisClient } from '@strangler-gateway/flask-session'
import { matchIn, type KnownDifference, type KnownDifferences, type NewKnownDifference } from './known-difference.js'

const newId = (): string => randomBytes(6).toString('hex')

export function createMemoryKnownDifferences (): KnownDifferences {
  const entries = new Map<string, KnownDifference>()
  return {
    list: () => [...entries.values()],
    async add (entry) {
      const known: KnownDifference = { ...entry, id: newId(), acceptedAt: new Date().toISOString(), source: 'admin' }
      entries.set(known.id, known)
      return known
    },
    async remove (id) { return entries.delete(id) },
    match: (feature, route, difference, now = Date.now()) => matchIn([...entries.values()], feature, route, difference, now),
    async close () {}
  }
}

export interface RedisKnownDifferencesOptions {
  redis: RedisClient
  keyPrefix: string
  /** How often the local copy is refreshed from Redis. Default 5 s. */
  refreshMs?: number
  onError?: (err: Error) => void
}

export async function createRedisKnownDifferences (options: RedisKnownDifferencesOptions): Promise<KnownDifferences> {
  const { redis } = options
  const key = `${options.keyPrefix}known-diffs`
  let entries: KnownDifference[] = []
  const refresh = async (): Promise<void> => {
    const all = await redis.hgetall(key)
    // Entries written before `source` existed were all accepted through the admin API.
    entries = Object.values(all).map((json) => ({ source: 'admin', ...JSON.parse(json) }) as KnownDifference)
  }
  await refresh().catch((err: Error) => options.onError?.(err))
  const timer = setInterval(() => { refresh().catch((err: Error) => options.onError?.(err)) }, options.refreshMs ?? 5_000)
  timer.unref()
  return {
    list: () => [...entries],
    async add (entry: NewKnownDifference) {
      const known: KnownDifference = { ...entry, id: newId(), acceptedAt: new Date().toISOString(), source: 'admin' }
      await redis.hset(key, known.id, JSON.stringify(known))
      await refresh()
      return known
    },
    async remove (id) {
      const removed = await redis.hdel(key, id)
      await refresh()
      return removed > 0
    },
    match: (feature, route, difference, now = Date.now()) => matchIn(entries, feature, route, difference, now),
    async close () { clearInterval(timer) }
  }
}
