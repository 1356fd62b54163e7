/**
 * Opens the state the admin API changes: the override store and the audit log. With REDIS_URL
 * they live in Redis and are shared by every replica; without it, in memory (one process).
 *
 * A replica does not start serving until it has read the current overrides: starting on
 * routes.yaml alone could send traffic to a feature that was rolled back.
 */
import type { FastifyBaseLogger } from 'fastify'
import { createMemoryAuditLog, type AuditLog } from './audit/audit-log.js'
import { createRedisAuditLog } from './audit/redis-audit-log.js'
import { createMemoryOverrideStore, type OverrideStore } from '../data-plane/overrides/override-store.js'
import { createRedisOverrideStore, DEFAULT_OVERRIDE_KEY_PREFIX } from '../data-plane/overrides/redis-override-store.js'

export interface SharedStateOptions {
  env: NodeJS.ProcessEnv
  log: FastifyBaseLogger
  /** Overrides REDIS_URL / GATEWAY_REDIS_PREFIX (tests). */
  redisUrl?: string
  keyPrefix?: string
}

export interface SharedState {
  overrides: OverrideStore
  audit: AuditLog
  /** True when backed by Redis. */
  shared: boolean
}

export async function openSharedState (options: SharedStateOptions): Promise<SharedState> {
  const url = options.redisUrl ?? options.env.REDIS_URL
  if (url === undefined || url === '') {
    options.log.info('REDIS_URL is not set: admin overrides and the audit trail live in this process only')
    return { overrides: createMemoryOverrideStore(), audit: createMemoryAuditLog(), shared: false }
  }
  const keyPrefix = options.keyPrefix ?? options.env.GATEWAY_REDIS_PREFIX ?? DEFAULT_OVERRIDE_KEY_PREFIX
  const overrides = createRedisOverrideStore({ url, keyPrefix, log: options.log })
  try {
    await overrides.ready()
  } catch (err) {
    await overrides.close()
    throw err
  }
  return { overrides, audit: createRedisAuditLog({ url, keyPrefix }), shared: true }
}
