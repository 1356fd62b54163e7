/** What every admin route file needs: the gateway handle, the audit log, the rollback alerts, and the caller. */
import type { FastifyRequest } from 'fastify'
import type { GatewayAlerts } from '../alerts/alerts-plugin.js'
import type { AuditAction, AuditEntry, AuditLog } from '../audit/audit-log.js'
import type { GatewayHandle } from '../../data-plane/build-gateway.js'
import { UnknownFeatureError } from '../../core/errors.js'
import { adminCallerOf } from './auth.js'

export interface AdminContext {
  gateway: GatewayHandle
  audit: AuditLog
  /** app.alerts (the alerts plugin); NO_ALERTS without it. */
  alerts: GatewayAlerts
}

export interface AuditFields {
  action: AuditAction
  feature: string | null
  before: unknown
  after: unknown
  reason?: string
}

/**
 * Records a change that already happened. A failing audit write must not undo or hide it: it
 * is logged and returned as a warning for the response.
 */
export async function recordAudit (ctx: AdminContext, request: FastifyRequest, fields: AuditFields): Promise<string[]> {
  return (await recordAuditEntry(ctx, request, fields)).warnings
}

/** recordAudit, also returning the entry (as recorded, or as it would have been). */
export async function recordAuditEntry (ctx: AdminContext, request: FastifyRequest, fields: AuditFields): Promise<{ entry: AuditEntry, warnings: string[] }> {
  const who = adminCallerOf(request) ?? { tokenId: null, remoteAddress: request.socket.remoteAddress ?? 'unknown' }
  request.log.info({ admin: who, change: fields }, 'admin change')
  const entry: AuditEntry = { at: new Date().toISOString(), who, ...fields, requestId: request.id }
  try {
    await ctx.audit.record(entry)
    return { entry, warnings: [] }
  } catch (err) {
    request.log.error({ err, change: fields }, 'writing the audit entry failed; the change itself was made')
    return { entry, warnings: [`the change was made but its audit entry could not be written: ${(err as Error).message}`] }
  }
}

export function requireFeature (ctx: AdminContext, feature: string): void {
  if (!Object.hasOwn(ctx.gateway.holder.current().config.features, feature)) throw new UnknownFeatureError(feature)
}
