/** What every admin route file needs: the gateway handle, the audit log, and the caller. */
import type { FastifyRequest } from 'fastify'
import type { AuditAction, AuditLog } from '../audit/audit-log.js'
import type { GatewayHandle } from '../../data-plane/build-gateway.js'
import { UnknownFeatureError } from '../../core/errors.js'
import { adminCallerOf } from './auth.js'

export interface AdminContext {
  gateway: GatewayHandle
  audit: AuditLog
}

export interface AuditFields {
  action: AuditAction
  feature: string | null
  before: unknown
  after: unknown
}

/**
 * Records a change that already happened. A failing audit write must not undo or hide it: it
 * is logged and returned as a warning for the response.
 */
export async function recordAudit (ctx: AdminContext, request: FastifyRequest, fields: AuditFields): Promise<string[]> {
  const who = adminCallerOf(request) ?? { tokenId: null, remoteAddress: request.socket.remoteAddress ?? 'unknown' }
  request.log.info({ admin: who, change: fields }, 'admin change')
  try {
    await ctx.audit.record({ at: new Date().toISOString(), who, ...fields, requestId: request.id })
    return []
  } catch (err) {
    request.log.error({ err, change: fields }, 'writing the audit entry failed; the change itself was made')
    return [`the change was made but its audit entry could not be written: ${(err as Error).message}`]
  }
}

export function requireFeature (ctx: AdminContext, feature: string): void {
  if (!Object.hasOwn(ctx.gateway.holder.current().config.features, feature)) throw new UnknownFeatureError(feature)
}
