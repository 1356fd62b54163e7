/**
 * Shadow snapshots in Redis, shared by the gateway and the new services: one string key per
 * snapshot, each with its TTL set in the same SET so nothing outlives a shadow for long.
 */
import { Redis } from 'ioredis'
import { DEFAULT_SNAPSHOT_KEY_PREFIX, type SnapshotStore } from './shadow-snapshot.js'

export interface RedisSnapshotStoreOptions {
  /** A client of the caller's (never closed here), or a URL to connect to (closed on close()). */
  redis?: Redis
  url?: string
  keyPrefix?: string
}

export function createRedisSnapshotStore (options: RedisSnapshotStoreOptions): SnapshotStore {
  const owned = options.redis === undefined
  const redis = options.redis ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 })
  const prefix = options.keyPrefix ?? DEFAULT_SNAPSHOT_KEY_PREFIX
  return {
    async put (key, value, ttlMs) {
      await redis.set(prefix + key, value, 'PX', ttlMs)
    },
    async get (key) {
      return await redis.getBuffer(prefix + key)
    },
    async delete (keys) {
      if (keys.length > 0) await redis.del(...keys.map((key) => prefix + key))
    },
    async close () {
      if (owned) await redis.quit()
    }
  }
}
