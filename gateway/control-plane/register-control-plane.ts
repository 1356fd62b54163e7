/**
 * The operator's side of a gateway process: the admin API (flags, rollback, reload, audit),
 * diff reports, the old-vs-new report with its verdict, migration status and the dashboard,
 * all behind one admin auth hook. server.ts adds it to what buildGateway builds; tests of the
 * proxy alone leave it out.
 */
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import adminPlugin from './admin/admin-plugin.js'
import { createAdminAuth } from './admin/auth.js'
import type { AuditLog } from './audit/audit-log.js'
import dashboardPlugin from './dashboard/dashboard-plugin.js'
import recorderPlugin from './report/recorder-plugin.js'
import reportPlugin from './report/report-plugin.js'
import rolloutPlugin from './rollout/rollout-plugin.js'
import { diffRoutes } from './admin/diff-routes.js'

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
  const auth = createAdminAuth({ token: options.adminToken, log: app.log })
  await app.register(adminPlugin, { auth: auth.hook, audit: options.audit })
  await app.register(diffRoutes, { store: app.gateway.diffStore, auth: auth.hook })

  let redis: Redis | undefined
  if (options.redisUrl !== undefined && options.redisUrl !== '') {
    redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    // Errors surface as dropped report counts; without a listener ioredis would print each one.
    redis.on('error', (err) => app.log.debug({ err }, 'report recorder: redis error'))
    app.addHook('onClose', async () => { redis?.disconnect() })
  }
  await app.register(recorderPlugin, redis === undefined ? {} : { redis, keyPrefix: options.keyPrefix })
  await app.register(reportPlugin, { auth: auth.hook })
  await app.register(rolloutPlugin, { auth: auth.hook, redisUrl: options.redisUrl, keyPrefix: options.keyPrefix })
  await app.register(dashboardPlugin, { auth: auth.hook })
}
