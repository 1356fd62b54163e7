/** POST /admin/reload (routes.yaml) and GET /admin/audit. */
import type { FastifyInstance } from 'fastify'
import { AdminReloadRejectedError } from '../../core/errors.js'
import { recordAudit, type AdminContext } from './admin-context.js'
import { auditSchema, reloadSchema, type AdminTypeProvider } from './admin-schemas.js'

export async function reloadRoutes (fastify: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.post('/reload', { schema: reloadSchema }, async (request, reply) => {
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

  app.get('/audit', { schema: auditSchema }, async (request) => {
    const { limit, feature } = request.query
    return { entries: await ctx.audit.list({ limit, feature }) }
  })
}
