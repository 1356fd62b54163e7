/**
 * Admin API authentication, reusable by every admin route (flags, diffs, report, dashboard):
 *
 * - GATEWAY_ADMIN_TOKEN set: `Authorization: Bearer <token>` is required from every caller,
 *   loopback included; compared in constant time (both sides hashed first, so the lengths match).
 * - No token: only loopback callers are answered, because anyone who can reach the port could
 *   otherwise flip production traffic.
 *
 * The peer address is the socket's, never X-Forwarded-For: a header is the caller's to forge.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyBaseLogger, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { AuditCaller } from '../audit/audit-log.js'
import { AdminForbiddenError, AdminUnauthorizedError } from '../../core/errors.js'
import { isLoopbackAddress } from '../../core/loopback.js'

export interface AdminAuthOptions {
  /** Usually process.env.GATEWAY_ADMIN_TOKEN; empty or undefined means loopback only. */
  token: string | undefined
  /** For the one warning at start when no token is configured. */
  log?: FastifyBaseLogger
}

export interface AdminAuth {
  /** An onRequest (or preHandler) hook: refuses with 401/403, else records the caller. */
  hook: onRequestAsyncHookHandler
  tokenConfigured: boolean
}

const callers = new WeakMap<FastifyRequest, AuditCaller>()

/** Who made an admin call that passed the hook; undefined when the hook did not run. */
export function adminCallerOf (request: FastifyRequest): AuditCaller | undefined {
  return callers.get(request)
}

/** Safe to log: identifies which token was used without revealing it. */
export function tokenIdOf (token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8)
}

export function bearerToken (header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return match?.[1]
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

export function createAdminAuth ({ token, log }: AdminAuthOptions): AdminAuth {
  const configured = token !== undefined && token !== ''
  const expected = configured ? digest(token) : undefined
  const expectedId = configured ? tokenIdOf(token) : null
  if (!configured) {
    log?.warn('GATEWAY_ADMIN_TOKEN is not set: the admin API answers loopback callers only (127.0.0.0/8, ::1)')
  }

  const hook: onRequestAsyncHookHandler = async (request) => {
    const remoteAddress = request.socket.remoteAddress ?? 'unknown'
    const what = { method: request.method, url: request.url }
    if (expected === undefined) {
      if (!isLoopbackAddress(remoteAddress)) {
        request.log.warn({ admin: { tokenId: null, remoteAddress }, ...what }, 'admin call refused: no token configured and the caller is not loopback')
        throw new AdminForbiddenError()
      }
    } else {
      const given = bearerToken(request.headers.authorization)
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        request.log.warn({ admin: { tokenId: given === undefined ? null : tokenIdOf(given), remoteAddress }, ...what }, 'admin call refused: missing or wrong token')
        throw new AdminUnauthorizedError()
      }
    }
    const caller = { tokenId: expectedId, remoteAddress }
    callers.set(request, caller)
    request.log.info({ admin: caller, ...what }, 'admin call')
  }
  return { hook, tokenConfigured: configured }
}
