/**
 * GET, POST /admin/diffs/known and DELETE /admin/diffs/known/:id: difference signatures an
 * operator accepted as known (analysis/known-differences), audited. Such pairs still count, as
 * `knownPairs` in the report, and the verdict and the rollout gate judge the rest.
 */
import type { FastifyInstance } from 'fastify'
import { parseDuration } from '../../core/duration.js'
import { AdminBadRequestError, AdminNotFoundError } from '../../core/errors.js'
import type { KnownDifferences } from '../../analysis/known-differences/known-difference.js'
import { adminCallerOf } from './auth.js'
import { recordAudit, requireFeature, type AdminContext } from './admin-context.js'
import { addKnownDiffSchema, knownDiffsSchema, removeKnownDiffSchema, type AdminTypeProvider } from './admin-schemas.js'

export async function knownDiffRoutes (fastify: FastifyInstance, { ctx, known }: { ctx: AdminContext, known: KnownDifferences }): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.get('/diffs/known', { schema: knownDiffsSchema }, async () => ({ known: known.list() }))

  app.post('/diffs/known', { schema: addKnownDiffSchema }, async (request, reply) => {
    const { feature, route, path, kind, reason, ttl } = request.body
    requireFeature(ctx, feature)
    const seconds = ttl === undefined ? null : parseDuration(ttl)
    if (seconds === 0) throw new AdminBadRequestError('body.ttl must be longer than 0')
    const entry = await known.add({
      feature,
      route,
      path,
      kind,
      reason,
      expiresAt: seconds === null ? null : new Date(Date.now() + seconds * 1000).toISOString(),
      acceptedBy: adminCallerOf(request)?.tokenId ?? null
    })
    const warnings = await recordAudit(ctx, request, { action: 'diff.known.add', feature, before: null, after: entry })
    return await reply.code(201).send({ ...entry, warnings })
  })

  app.delete('/diffs/known/:id', { schema: removeKnownDiffSchema }, async (request) => {
    const before = known.list().find((entry) => entry.id === request.params.id)
    if (before?.source === 'routes.yaml') throw new AdminBadRequestError(`known difference ${before.id} is declared in routes.yaml (features.${before.feature}.compare.known): remove it there and reload`)
    if (before === undefined || !await known.remove(request.params.id)) throw new AdminNotFoundError('DELETE', request.url)
    const warnings = await recordAudit(ctx, request, { action: 'diff.known.remove', feature: before.feature, before, after: null })
    return { removed: before.id, warnings }
  })
}
