/**
 * POST /admin/rollback and /admin/rollback/:feature: flag off and canary 0, at once, as admin
 * overrides, so they persist and reach every replica. Requests already in flight finish on the
 * upstream they started with; the next ones go to legacy.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { OverridesUnavailableError } from '../../core/errors.js'
import { ROLLED_BACK, type FeatureOverride } from '../../data-plane/overrides/override-store.js'
import { recordAudit, requireFeature, type AdminContext } from './admin-context.js'
import { rollbackAllSchema, rollbackFeatureSchema, type AdminTypeProvider } from './admin-schemas.js'
import { describeFeature, envWarnings, type FeatureView } from './flag-view.js'

interface RollbackResult {
  rolledBack: string[]
  failed: Array<{ feature: string, error: string }>
  before: Record<string, FeatureOverride | null>
  after: Record<string, FeatureView>
  warnings: string[]
}

async function rollBack (ctx: AdminContext, features: string[]): Promise<RollbackResult> {
  const { holder, overrides } = ctx.gateway
  const result: RollbackResult = { rolledBack: [], failed: [], before: {}, after: {}, warnings: [] }
  const settled = await Promise.allSettled(features.map(async (feature) => await overrides.set(feature, ROLLED_BACK)))
  settled.forEach((outcome, i) => {
    const feature = features[i]
    if (outcome.status === 'fulfilled') {
      result.rolledBack.push(feature)
      result.before[feature] = outcome.value.before ?? null
    } else {
      result.failed.push({ feature, error: (outcome.reason as Error).message })
    }
    const view = describeFeature(holder.current(), overrides, feature)
    result.after[feature] = view
    result.warnings.push(...envWarnings(view, feature))
  })
  return result
}

function send (reply: FastifyReply, result: RollbackResult): RollbackResult | FastifyReply {
  if (result.failed.length === 0) return result
  const error = new OverridesUnavailableError(result.failed.map((f) => `${f.feature}: ${f.error}`).join('; '))
  return reply.code(503).send({ statusCode: 503, code: error.code, error: 'Service Unavailable', message: error.message, ...result })
}

export async function rollbackRoutes (fastify: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.post('/rollback', { schema: rollbackAllSchema }, async (request, reply) => {
    const features = Object.keys(ctx.gateway.holder.current().config.features)
    const result = await rollBack(ctx, features)
    if (result.rolledBack.length > 0) {
      const after = Object.fromEntries(result.rolledBack.map((f) => [f, ROLLED_BACK]))
      result.warnings.push(...await recordAudit(ctx, request, { action: 'rollback.all', feature: null, before: result.before, after }))
    }
    return send(reply, result)
  })

  app.post('/rollback/:feature', { schema: rollbackFeatureSchema }, async (request, reply) => {
    const { feature } = request.params
    requireFeature(ctx, feature)
    const result = await rollBack(ctx, [feature])
    if (result.rolledBack.length > 0) {
      result.warnings.push(...await recordAudit(ctx, request, { action: 'rollback', feature, before: result.before[feature], after: ROLLED_BACK }))
    }
    return send(reply, result)
  })
}
