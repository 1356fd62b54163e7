/**
 * GET /admin/flags, GET|PUT|DELETE /admin/flags/:feature. PUT merges into the feature's
 * override: `{"canary": 25}` keeps an earlier `enabled`; a field set to null drops that field.
 */
import type { FastifyInstance } from 'fastify'
import { AdminBadRequestError } from '../../core/errors.js'
import type { FeatureOverride } from '../../data-plane/overrides/override-store.js'
import { isCanary } from '../../data-plane/overrides/parse-override.js'
import { recordAudit, requireFeature, type AdminContext } from './admin-context.js'
import { describeFeature, describeFlags, envWarnings } from './flag-view.js'

interface FeatureParams { feature: string }

/** Applies a PUT body to the current override; throws a 400 that says what is wrong. */
export function mergeOverride (current: FeatureOverride | undefined, body: unknown): FeatureOverride | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdminBadRequestError('body must be a JSON object like {"enabled": true, "canary": 10}')
  }
  const fields = body as Record<string, unknown>
  const unknown = Object.keys(fields).filter((key) => key !== 'enabled' && key !== 'canary')
  if (unknown.length > 0) throw new AdminBadRequestError(`unknown field(s) ${unknown.join(', ')}: only "enabled" and "canary" can be set`)
  if (!('enabled' in fields) && !('canary' in fields)) throw new AdminBadRequestError('set at least one of "enabled" (boolean) and "canary" (0-100)')
  const next: FeatureOverride = { ...current }
  if ('enabled' in fields) {
    if (fields.enabled === null) delete next.enabled
    else if (typeof fields.enabled === 'boolean') next.enabled = fields.enabled
    else throw new AdminBadRequestError('"enabled" must be true, false or null')
  }
  if ('canary' in fields) {
    if (fields.canary === null) delete next.canary
    else if (isCanary(fields.canary)) next.canary = fields.canary
    else throw new AdminBadRequestError('"canary" must be a number from 0 to 100, or null')
  }
  return Object.keys(next).length === 0 ? undefined : next
}

export async function flagRoutes (app: FastifyInstance, ctx: AdminContext): Promise<void> {
  const { holder, overrides } = ctx.gateway

  app.get('/flags', async () => describeFlags(holder.current(), overrides))

  app.get<{ Params: FeatureParams }>('/flags/:feature', async (request) => {
    requireFeature(ctx, request.params.feature)
    return describeFeature(holder.current(), overrides, request.params.feature)
  })

  app.put<{ Params: FeatureParams }>('/flags/:feature', async (request) => {
    const { feature } = request.params
    requireFeature(ctx, feature)
    const next = mergeOverride(overrides.get(feature), request.body)
    const before = describeFeature(holder.current(), overrides, feature)
    const change = await overrides.set(feature, next)
    const after = describeFeature(holder.current(), overrides, feature)
    const warnings = await recordAudit(ctx, request, {
      action: next === undefined ? 'flag.clear' : 'flag.set', feature, before: change.before ?? null, after: change.after ?? null
    })
    return { feature, before, after, warnings: [...envWarnings(after, feature), ...warnings] }
  })

  /** Drops the admin override: routes.yaml (or the environment) decides again. */
  app.delete<{ Params: FeatureParams }>('/flags/:feature', async (request) => {
    const { feature } = request.params
    requireFeature(ctx, feature)
    const before = describeFeature(holder.current(), overrides, feature)
    const change = await overrides.set(feature, undefined)
    const after = describeFeature(holder.current(), overrides, feature)
    const warnings = await recordAudit(ctx, request, { action: 'flag.clear', feature, before: change.before ?? null, after: null })
    return { feature, before, after, warnings }
  })
}
