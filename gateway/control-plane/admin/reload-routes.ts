/** POST /admin/reload (routes.yaml) and GET /admin/audit. */
import type { FastifyInstance } from 'fastify'
import { AdminBadRequestError, AdminReloadRejectedError } from '../../core/errors.js'
import { DEFAULT_AUDIT_MAX_ENTRIES } from '../audit/audit-log.js'
import { recordAudit, type AdminContext } from './admin-context.js'

export async function reloadRoutes (app: FastifyInstance, ctx: AdminContext): Promise<void> {
  app.post('/reload', async (request, reply) => {
    const before = ctx.gateway.holder.current().version
    const result = await ctx.gateway.reload()
    if (!result.ok) {
      const error = new AdminReloadRejectedError()
      return await reply.code(422).send({
        statusCode: 422, code: error.code, error: 'Unprocessable Entity', message: error.message, version: result.version, problems: result.problems
      })
    }
    const warnings = await recordAudit(ctx, request, { action: 'reload', feature: null, before: { version: before }, after: { version: result.version } })
    return { ok: true, version: result.version, warnings }
  })

  app.get<{ Querystring: { limit?: string, feature?: string } }>('/audit', async (request) => {
    const { limit: rawLimit, feature } = request.query
    const limit = rawLimit === undefined ? 100 : Number(rawLimit)
    if (!Number.isInteger(limit) || limit < 1 || limit > DEFAULT_AUDIT_MAX_ENTRIES) {
      throw new AdminBadRequestError(`limit must be an integer from 1 to ${DEFAULT_AUDIT_MAX_ENTRIES}`)
    }
    return { entries: await ctx.audit.list({ limit, feature }) }
  })
}
