/**
 * Shadow snapshots in Redis, shared by the gateway and the new services: one string key per
 * snapshot, each with its TTL set in the same SET so nothing outlives a shadow for long. Every
 * command names one key (a delete of several is one DEL each), so in a Redis Cluster the
 * snapshots spread over every master and the prefix needs no hash tag.
 */
import { createRedisClient, type RedisClient, type RedisTarget } from './redis-connection.js'
import { DEFAULT_SNAPSHOT_KEY_PREFIX, type SnapshotStore } from './shadow-snapshot.js'

export interface RedisSnapshotStoreOptions {
  /** A client of the caller's (never closed here), or a URL or cluster to connect to (closed on close()). */
  redis?: RedisClient
  target?: RedisTarget
  keyPrefix?: string
}

export function createRedisSnapshotStore (options: RedisSnapshotStoreOptions): SnapshotStore {
  const owned = options.redis === undefined
  const redis = options.redis ?? createRedisClient(options.target ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 })
  const prefix = options.keyPrefix ?? DEFAULT_SNAPSHOT_KEY_PREFIX
  return {
    async put (key, value, ttlMs) {
      await redis.set(prefix + key, value, 'PX', ttlMs)
    },
    async get (key) {
      return await redis.getBuffer(prefix + key)
    },
    async delete (keys) {
      await Promise.all(keys.map(async (key) => await redis.del(prefix + key)))
    },
    async close () {
      if (owned) await redis.quit()
    }
  }
}
