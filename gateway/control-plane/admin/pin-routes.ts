/**
 * POST /admin/pins: issues a tester pin (data-plane/routing/tester-pin.ts), audited. The token
 * is answered once and never stored or logged; the audit entry names the feature, the side and
 * the expiry.
 */
import type { FastifyInstance } from 'fastify'
import { parseDuration } from '../../core/duration.js'
import { AdminBadRequestError } from '../../core/errors.js'
import { MAX_PIN_TTL_SECONDS } from '../../data-plane/routing/tester-pin.js'
import { recordAudit, requireFeature, type AdminContext } from './admin-context.js'
import { issuePinSchema, type AdminTypeProvider } from './admin-schemas.js'

export const DEFAULT_PIN_TTL = '1h'

export async function pinRoutes (fastify: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.post('/pins', { schema: issuePinSchema }, async (request, reply) => {
    const { feature, side, ttl = DEFAULT_PIN_TTL } = request.body
    requireFeature(ctx, feature)
    const ttlSeconds = parseDuration(ttl)
    if (ttlSeconds === null || ttlSeconds < 1 || ttlSeconds > MAX_PIN_TTL_SECONDS) {
      throw new AdminBadRequestError(`body.ttl must look like 30m, 1h or 7d, at most ${MAX_PIN_TTL_SECONDS / 86400}d`)
    }
    const { token, pin } = ctx.gateway.pins.issue(feature, side, ttlSeconds)
    const expiresAt = new Date(pin.expiresAt * 1000).toISOString()
    const warnings = await recordAudit(ctx, request, { action: 'pin.issue', feature, before: null, after: { side, expiresAt } })
    return await reply.code(201).send({ token, feature, side, expiresAt, header: 'x-gateway-pin', cookie: 'sg_pin', warnings })
  })
}
