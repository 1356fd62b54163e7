/**
 * The operator's side of a gateway process: the audit trail, the rollback alerts, the report's
 * recorder and context, the rollout controller, then the admin plugin, which serves all of them
 * under /admin behind one auth hook. server.ts adds it to what buildGateway builds; tests of the
 * proxy alone leave it out.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { FastifyInstance } from 'fastify'
import { clusterKeyPrefix, createRedisClient, type RedisClient, type RedisTarget } from '@strangler-gateway/flask-session'
import adminPlugin from './admin/admin-plugin.js'
import alertsPlugin from './alerts/alerts-plugin.js'
import type { AuditLog } from './audit/audit-log.js'
import auditPlugin from './audit/audit-plugin.js'
import knownDifferencesPlugin from './report/known-differences-plugin.js'
import recorderPlugin, { DEFAULT_GATEWAY_KEY_PREFIX } from './report/recorder-plugin.js'
import reportPlugin from './report/report-plugin.js'
import rolloutPlugin from './rollout/rollout-plugin.js'

export interface ControlPlaneOptions {
  /** GATEWAY_ADMIN_TOKEN; unset: loopback callers only. */
  adminToken: string | undefined
  audit?: AuditLog
  /** REDIS_CLUSTER_NODES or REDIS_URL: report counters, known differences and rollouts shared by every replica; unset: in this process. */
  redis?: RedisTarget
  /**
   * GATEWAY_REDIS_PREFIX, for the report counters and the rollout state and lock (next to the
   * overrides and audit); in a cluster it gets a hash tag when it has none, as in shared-state.ts.
   */
  keyPrefix?: string
  /** Where the alert sinks' urlEnv and secretEnv are read; default process.env. */
  env?: NodeJS.ProcessEnv
  /** This replica's name in the rollout lock and in the alerts it sends; default host:pid:random. */
  replicaId?: string
}

export async function registerControlPlane (app: FastifyInstance, options: ControlPlaneOptions): Promise<void> {
  const replicaId = options.replicaId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  await app.register(auditPlugin, { audit: options.audit })
  // Before the rollout and admin plugins, whose rollbacks it alerts (app.alerts).
  await app.register(alertsPlugin, { env: options.env, replicaId })

  const target = options.redis === '' ? undefined : options.redis
  const keyPrefix = target === undefined ? options.keyPrefix : clusterKeyPrefix(target, options.keyPrefix ?? DEFAULT_GATEWAY_KEY_PREFIX)
  let redis: RedisClient | undefined
  if (target !== undefined) {
    redis = createRedisClient(target, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    // Errors surface as dropped report counts; without a listener ioredis would print each one.
    redis.on('error', (err) => app.log.debug({ err }, 'report recorder: redis error'))
    app.addHook('onClose', async () => { redis?.disconnect() })
  }
  await app.register(knownDifferencesPlugin, redis === undefined ? {} : { redis, keyPrefix })
  await app.register(recorderPlugin, redis === undefined ? {} : { redis, keyPrefix })
  await app.register(reportPlugin)
  await app.register(rolloutPlugin, { redis: target, keyPrefix, replicaId })
  // Last: it serves the routes of what came before, all under one auth hook.
  await app.register(adminPlugin, { token: options.adminToken })
}
