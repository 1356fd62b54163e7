import { clusterKeyPrefix, type RedisClient, type RedisTarget } from '@strangler-gateway/flask-session'
import type { DiffStoreConfig } from '../../core/config/gateway-config.js'
import { createMemoryDiffStore } from './memory-diff-store.js'
import { createRedisDiffStore } from './redis-diff-store.js'
import type { RedisDiffStoreOptions } from './redis-diff-store.js'
import type { DiffStore, SummaryOptions } from './diff-store-types.js'

export interface CreateDiffStoreOptions extends SummaryOptions {
  /** routes.yaml `diffStore`. */
  config: DiffStoreConfig
  /** A shared client (the caller closes it), or REDIS_URL / REDIS_CLUSTER_NODES; neither gives the in-memory store. */
  redis?: RedisClient | RedisTarget | null
  log?: RedisDiffStoreOptions['log']
}

/** Redis set: Redis, shared by every replica. Unset: memory, for the embedded default. */
export function createDiffStore (options: CreateDiffStoreOptions): DiffStore {
  const { config, redis, log, ...summary } = options
  if (redis == null || redis === '') return createMemoryDiffStore({ ...summary, maxRecordsPerRoute: config.maxRecordsPerRoute })
  return createRedisDiffStore({
    ...summary,
    redis,
    // keyPrefix is the gateway's whole Redis namespace; diffs get their own corner of it.
    prefix: clusterKeyPrefix(redis, `${config.keyPrefix}diffs:`),
    maxRecordsPerRoute: config.maxRecordsPerRoute,
    ttlSeconds: config.ttlSeconds,
    log
  })
}
