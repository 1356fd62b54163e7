/**
 * Opens the state the admin API changes: the override store and the audit log. With REDIS_URL
 * or REDIS_CLUSTER_NODES they live in Redis and are shared by every replica; without either, in
 * memory (one process). In a cluster the prefix gets a hash tag when it has none (the override
 * script and the resync transaction name two keys).
 *
 * A replica does not start serving until it has read the current overrides: starting on
 * routes.yaml alone could send traffic to a feature that was rolled back.
 */
import type { FastifyBaseLogger } from 'fastify'
import { createMemoryAuditLog, type AuditLog } from './audit/audit-log.js'
import { createRedisAuditLog } from './audit/redis-audit-log.js'
import { createMemoryOverrideStore, type OverrideStore } from '../data-plane/overrides/override-store.js'
import { createRedisOverrideStore, DEFAULT_OVERRIDE_KEY_PREFIX } from '../data-plane/overrides/redis-override-store.js'
import { clusterKeyPrefix, describeRedisTarget, redisTargetFromEnv, type RedisTarget } from '@strangler-gateway/flask-session'

export interface SharedStateOptions {
  env: NodeJS.ProcessEnv
  log: FastifyBaseLogger
  /** Overrides REDIS_CLUSTER_NODES / REDIS_URL / GATEWAY_REDIS_PREFIX (tests). */
  redis?: RedisTarget
  keyPrefix?: string
}

export interface SharedState {
  overrides: OverrideStore
  audit: AuditLog
  /** True when backed by Redis. */
  shared: boolean
}

export async function openSharedState (options: SharedStateOptions): Promise<SharedState> {
  const target = options.redis ?? redisTargetFromEnv(options.env)
  if (target === undefined || target === '') {
    options.log.info('neither REDIS_URL nor REDIS_CLUSTER_NODES is set: admin overrides and the audit trail live in this process only')
    return { overrides: createMemoryOverrideStore(), audit: createMemoryAuditLog(), shared: false }
  }
  const keyPrefix = clusterKeyPrefix(target, options.keyPrefix ?? options.env.GATEWAY_REDIS_PREFIX ?? DEFAULT_OVERRIDE_KEY_PREFIX)
  // Where, without credentials: the URL's password or the cluster's never reaches the log.
  options.log.info({ redis: describeRedisTarget(target), keyPrefix }, 'admin overrides and the audit trail are shared through Redis')
  const overrides = createRedisOverrideStore({ target, keyPrefix, log: options.log })
  try {
    await overrides.ready()
  } catch (err) {
    await overrides.close()
    throw err
  }
  return { overrides, audit: createRedisAuditLog({ target, keyPrefix }), shared: true }
}
