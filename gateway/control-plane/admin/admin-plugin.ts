/**
 * Every route under /admin, behind the admin auth hook: flags, rollback, reload, audit, tester pins, the
 * diff records, and, when this instance has them, the report and migration status (the report
 * plugin), rollouts (the rollout plugin) and the dashboard. Rollbacks are alerted through
 * `app.alerts` when the alerts plugin was registered first. Unknown /admin paths answer 404 here
 * instead of falling through to the proxy (and so to the legacy app). A route marked
 * `config.adminPublic` (the dashboard page and its assets, which hold no data) skips the hook.
 *
 * Register it last, on the instance buildGateway returns (it needs `app.gateway`), after the
 * report and rollout plugins whose routes it serves; registerControlPlane does it in that order.
 */
import type { FastifyInstance, FastifySchemaValidationError, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AdminBadRequestError, AdminNotFoundError } from '../../core/errors.js'
import { NO_ALERTS } from '../alerts/alerts-plugin.js'
import auditPlugin from '../audit/audit-plugin.js'
import type { AuditLog } from '../audit/audit-log.js'
import { dashboardRoutes, type DashboardOptions } from '../dashboard/dashboard-routes.js'
import type { AdminContext } from './admin-context.js'
import { createAdminAuth } from './auth.js'
import { diffRoutes } from './diff-routes.js'
import { knownDiffRoutes } from './known-diff-routes.js'
import { flagRoutes } from './flag-routes.js'
import { handoffRoutes } from './handoff-routes.js'
import { pinRoutes } from './pin-routes.js'
import { reloadRoutes } from './reload-routes.js'
import { reportRoutes } from './report-routes.js'
import { rollbackRoutes } from './rollback-routes.js'
import { rolloutRoutes } from './rollout-routes.js'

export interface AdminPluginOptions {
  /** The hook from createAdminAuth. Or give `token` and one is made here. */
  auth?: onRequestAsyncHookHandler
  /** GATEWAY_ADMIN_TOKEN; unset or empty: loopback callers only. Ignored when `auth` is given. */
  token?: string
  /** When no audit plugin was registered: the log to keep (default in memory). */
  audit?: AuditLog
  dashboard?: DashboardOptions
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An /admin route that needs no token: it serves nothing an operator's token protects. */
    adminPublic?: boolean
  }
}

function badRequest (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const what = errors.map((e) => `${dataVar}${e.instancePath === '' ? '' : e.instancePath.replaceAll('/', '.')} ${e.message ?? 'is invalid'}` +
    (e.keyword === 'additionalProperties' ? ` ("${String(e.params.additionalProperty)}")` : '') +
    (e.keyword === 'enum' ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''))
  return new AdminBadRequestError(what.join('; '))
}

async function adminPlugin (app: FastifyInstance, options: AdminPluginOptions): Promise<void> {
  if (!app.hasDecorator('gateway')) throw new Error('the admin plugin needs app.gateway: register it on the instance buildGateway returns')
  if (!app.hasDecorator('adminAudit')) await app.register(auditPlugin, { audit: options.audit })
  const ctx: AdminContext = { gateway: app.gateway, audit: app.adminAudit, alerts: app.hasDecorator('alerts') ? app.alerts : NO_ALERTS }
  const auth = options.auth ?? createAdminAuth({ token: options.token, log: app.log }).hook

  await app.register(async function adminScope (scope) {
    // A schema's 400 comes in the gateway's error shape, with the code every admin 400 has.
    scope.addHook('onRoute', (route) => { route.schemaErrorFormatter ??= badRequest })
    scope.addHook('onRequest', async function adminAuth (request, reply) {
      if (request.routeOptions.config.adminPublic !== true) await auth.call(this, request, reply)
    })
    await scope.register(flagRoutes, ctx)
    await scope.register(rollbackRoutes, ctx)
    await scope.register(reloadRoutes, ctx)
    await scope.register(pinRoutes, ctx)
    await scope.register(handoffRoutes, ctx)
    await scope.register(diffRoutes, { store: app.gateway.diffStore, known: app.hasDecorator('knownDifferences') ? app.knownDifferences : undefined })
    if (app.hasDecorator('knownDifferences')) await scope.register(knownDiffRoutes, { ctx, known: app.knownDifferences })
    if (app.hasDecorator('reportContext')) {
      await scope.register(reportRoutes)
      await scope.register(dashboardRoutes, options.dashboard ?? {})
    }
    if (app.hasDecorator('rollout')) await scope.register(rolloutRoutes, { rollout: app.rollout })
    scope.all('/*', async (request) => { throw new AdminNotFoundError(request.method, request.url.split('?')[0]) })
  }, { prefix: '/admin' })
}

export default fp(adminPlugin, { name: 'admin', fastify: '5.x' })
