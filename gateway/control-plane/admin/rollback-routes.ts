/**
 * POST /admin/rollback and /admin/rollback/:feature: flag off and canary 0, at once, as admin
 * overrides, so they persist and reach every replica. Requests already in flight finish on the
 * upstream they started with; the next ones go to legacy. An optional body `{"reason": "..."}`
 * goes into the audit entry and the rollback alert, which this replica (the one that rolled
 * back) queues after the audit entry and before answering; queueing never waits for a sink.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { OverridesUnavailableError } from '../../core/errors.js'
import { ROLLED_BACK, type FeatureOverride } from '../../data-plane/overrides/override-store.js'
import { recordAuditEntry, requireFeature, type AdminContext, type AuditFields } from './admin-context.js'
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

/** Audits what was rolled back, then alerts it: the alert carries that audit entry. */
async function record (ctx: AdminContext, request: FastifyRequest, result: RollbackResult, fields: AuditFields & { action: 'rollback' | 'rollback.all' }): Promise<void> {
  const { entry, warnings } = await recordAuditEntry(ctx, request, fields)
  result.warnings.push(...warnings)
  const notRolledBack = result.failed.map((f) => `${f.feature} was not rolled back: ${f.error}`)
  ctx.alerts.rollback({ record: { ...entry, action: fields.action }, by: 'operator', why: fields.reason ?? null, warnings: [...result.warnings, ...notRolledBack] })
}

/** The body is optional: none is `{}`, so the schema sees an object. */
async function emptyBodyIsEmptyObject (request: FastifyRequest): Promise<void> {
  request.body ??= {}
}

export async function rollbackRoutes (fastify: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.post('/rollback', { schema: rollbackAllSchema, preValidation: emptyBodyIsEmptyObject }, async (request, reply) => {
    const { reason } = request.body
    const features = Object.keys(ctx.gateway.holder.current().config.features)
    const result = await rollBack(ctx, features)
    if (result.rolledBack.length > 0) {
      const after = Object.fromEntries(result.rolledBack.map((f) => [f, ROLLED_BACK]))
      await record(ctx, request, result, { action: 'rollback.all', feature: null, before: result.before, after, ...(reason === undefined ? {} : { reason }) })
    }
    return send(reply, result)
  })

  app.post('/rollback/:feature', { schema: rollbackFeatureSchema, preValidation: emptyBodyIsEmptyObject }, async (request, reply) => {
    const { feature } = request.params
    const { reason } = request.body
    requireFeature(ctx, feature)
    const result = await rollBack(ctx, [feature])
    if (result.rolledBack.length > 0) {
      await record(ctx, request, result, { action: 'rollback', feature, before: result.before[feature], after: ROLLED_BACK, ...(reason === undefined ? {} : { reason }) })
    }
    return send(reply, result)
  })
}
