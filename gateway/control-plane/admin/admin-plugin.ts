/**
 * The admin control API under /admin: flags, rollback, reload, audit. Every route here sits
 * behind the admin auth hook; unknown /admin paths answer 404 here instead of falling through
 * to the proxy (and so to the legacy app).
 *
 * Register on the instance buildGateway returns (it needs `app.gateway`). The plugin owns the
 * audit log it is given and closes it with the app.
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { createMemoryAuditLog, type AuditLog } from '../audit/audit-log.js'
import { AdminNotFoundError } from '../../core/errors.js'
import type { AdminContext } from './admin-context.js'
import { createAdminAuth } from './auth.js'
import { flagRoutes } from './flag-routes.js'
import { reloadRoutes } from './reload-routes.js'
import { rollbackRoutes } from './rollback-routes.js'

export interface AdminPluginOptions {
  /**
   * The hook from createAdminAuth, shared with the other admin plugins (diffs, report,
   * dashboard) so the "no token" warning is logged once. Or give `token` and one is made here.
   */
  auth?: onRequestAsyncHookHandler
  /** GATEWAY_ADMIN_TOKEN; unset or empty: loopback callers only. Ignored when `auth` is given. */
  token?: string
  /** Default: in memory (one process). createRedisAuditLog shares it across replicas. */
  audit?: AuditLog
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin audit trail; other admin plugins may record to it too. */
    adminAudit: AuditLog
  }
}

async function adminPlugin (app: FastifyInstance, options: AdminPluginOptions): Promise<void> {
  if (!app.hasDecorator('gateway')) throw new Error('the admin plugin needs app.gateway: register it on the instance buildGateway returns')
  const audit = options.audit ?? createMemoryAuditLog()
  app.decorate('adminAudit', audit)
  app.addHook('onClose', async () => { await audit.close() })
  const ctx: AdminContext = { gateway: app.gateway, audit }
  const auth = options.auth ?? createAdminAuth({ token: options.token, log: app.log }).hook

  await app.register(async function adminScope (scope) {
    scope.addHook('onRequest', auth)
    await scope.register(flagRoutes, ctx)
    await scope.register(rollbackRoutes, ctx)
    await scope.register(reloadRoutes, ctx)
    scope.all('/*', async (request) => { throw new AdminNotFoundError(request.method, request.url.split('?')[0]) })
  }, { prefix: '/admin' })
}

export default fp(adminPlugin, { name: 'admin', fastify: '5.x' })
