/**
 * The operator's side of a gateway process: the audit trail, the report's recorder and context,
 * the rollout controller, then the admin plugin, which serves all of them under /admin behind
 * one auth hook. server.ts adds it to what buildGateway builds; tests of the
 * proxy alone leave it out.
 */
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import adminPlugin from './admin/admin-plugin.js'
import type { AuditLog } from './audit/audit-log.js'
import auditPlugin from './audit/audit-plugin.js'
import recorderPlugin from './report/recorder-plugin.js'
import reportPlugin from './report/report-plugin.js'
import rolloutPlugin from './rollout/rollout-plugin.js'

export interface ControlPlaneOptions {
  /** GATEWAY_ADMIN_TOKEN; unset: loopback callers only. */
  adminToken: string | undefined
  audit?: AuditLog
  /** Report counters shared by every replica; unset: in this process. */
  redisUrl?: string
  /** GATEWAY_REDIS_PREFIX, for the report counters and the rollout state and lock (next to the overrides and audit). */
  keyPrefix?: string
}

export async function registerControlPlane (app: FastifyInstance, options: ControlPlaneOptions): Promise<void> {
  await app.register(auditPlugin, { audit: options.audit })

  let redis: Redis | undefined
  if (options.redisUrl !== undefined && options.redisUrl !== '') {
    redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    // Errors surface as dropped report counts; without a listener ioredis would print each one.
    redis.on('error', (err) => app.log.debug({ err }, 'report recorder: redis error'))
    app.addHook('onClose', async () => { redis?.disconnect() })
  }
  await app.register(recorderPlugin, redis === undefined ? {} : { redis, keyPrefix: options.keyPrefix })
  await app.register(reportPlugin)
  await app.register(rolloutPlugin, { redisUrl: options.redisUrl, keyPrefix: options.keyPrefix })
  // Last: it serves the routes of what came before, all under one auth hook.
  await app.register(adminPlugin, { token: options.adminToken })
}
