/**
 * GET /admin/flags, GET|PUT|DELETE /admin/flags/:feature. PUT merges into the feature's
 * override: `{"canary": 25}` keeps an earlier `enabled`; a field set to null drops that field.
 */
import type { FastifyInstance } from 'fastify'
import type { FeatureOverride, FeatureStage } from '../../data-plane/overrides/override-store.js'
import { recordAudit, requireFeature, type AdminContext } from './admin-context.js'
import { clearFlagSchema, featureFlagSchema, flagsSchema, putFlagSchema, type AdminTypeProvider } from './admin-schemas.js'
import { describeFeature, describeFlags, envWarnings } from './flag-view.js'

/** A PUT body (its shape checked by putFlagSchema): null drops a field, anything else sets it. */
export function mergeOverride (
  current: FeatureOverride | undefined,
  body: { enabled?: boolean | null, canary?: number | null, stage?: FeatureStage | null }
): FeatureOverride | undefined {
  const next: FeatureOverride = { ...current }
  if (body.enabled === null) delete next.enabled
  else if (body.enabled !== undefined) next.enabled = body.enabled
  if (body.canary === null) delete next.canary
  else if (body.canary !== undefined) next.canary = body.canary
  if (body.stage === null) delete next.stage
  else if (body.stage !== undefined) next.stage = body.stage
  return Object.keys(next).length === 0 ? undefined : next
}

export async function flagRoutes (fastify: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  const { holder, overrides } = ctx.gateway

  app.get('/flags', { schema: flagsSchema }, async () => describeFlags(holder.current(), overrides))

  app.get('/flags/:feature', { schema: featureFlagSchema }, async (request) => {
    requireFeature(ctx, request.params.feature)
    return describeFeature(holder.current(), overrides, request.params.feature)
  })

  app.put('/flags/:feature', { schema: putFlagSchema }, async (request) => {
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
  app.delete('/flags/:feature', { schema: clearFlagSchema }, async (request) => {
    const { feature } = request.params
    requireFeature(ctx, feature)
    const before = describeFeature(holder.current(), overrides, feature)
    const change = await overrides.set(feature, undefined)
    const after = describeFeature(holder.current(), overrides, feature)
    const warnings = await recordAudit(ctx, request, { action: 'flag.clear', feature, before: change.before ?? null, after: null })
    return { feature, before, after, warnings }
  })
}
