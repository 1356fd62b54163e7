import type { Redis } from 'ioredis'
import type { DiffStoreConfig } from '../../core/config/gateway-config.js'
import { createMemoryDiffStore } from './memory-diff-store.js'
import { createRedisDiffStore } from './redis-diff-store.js'
import type { RedisDiffStoreOptions } from './redis-diff-store.js'
import type { DiffStore, SummaryOptions } from './diff-store-types.js'

export interface CreateDiffStoreOptions extends SummaryOptions {
  /** routes.yaml `diffStore`. */
  config: DiffStoreConfig
  /** A shared client (the caller closes it), or REDIS_URL; neither gives the in-memory store. */
  redis?: Redis | string | null
  log?: RedisDiffStoreOptions['log']
}

/** REDIS_URL set: Redis, shared by every replica. Unset: memory, for the embedded default. */
export function createDiffStore (options: CreateDiffStoreOptions): DiffStore {
  const { config, redis, log, ...summary } = options
  if (redis == null || redis === '') return createMemoryDiffStore({ ...summary, maxRecordsPerRoute: config.maxRecordsPerRoute })
  return createRedisDiffStore({
    ...summary,
    redis,
    // keyPrefix is the gateway's whole Redis namespace; diffs get their own corner of it.
    prefix: `${config.keyPrefix}diffs:`,
    maxRecordsPerRoute: config.maxRecordsPerRoute,
    ttlSeconds: config.ttlSeconds,
    log
  })
}
