/**
 * GET /admin/rollouts, GET /admin/rollouts/:feature, and
 * POST /admin/rollouts/:feature/start|pause|resume|abort|complete (docs/rollout.md).
 */
import type { FastifyInstance } from 'fastify'
import type { FeatureConfig } from '../../core/config/gateway-config.js'
import { UnknownFeatureError } from '../../core/errors.js'
import { runOperatorAction } from '../rollout/operator-actions.js'
import type { RolloutHandle } from '../rollout/rollout-plugin.js'
import { describeRollout, type RolloutView } from '../rollout/rollout-view.js'
import { rolloutActionSchema, rolloutSchema, rolloutsSchema, type AdminTypeProvider } from './admin-schemas.js'
import { adminCallerOf } from './auth.js'
import { envWarnings, describeFeature } from './flag-view.js'

export async function rolloutRoutes (fastify: FastifyInstance, { rollout }: { rollout: RolloutHandle }): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  const { holder, overrides, store } = rollout.actions
  const features = (): Record<string, FeatureConfig> => holder.current().config.features
  const requireFeature = (feature: string): void => {
    if (!Object.hasOwn(features(), feature)) throw new UnknownFeatureError(feature)
  }
  const view = async (feature: string): Promise<ReturnType<typeof describeRollout>> =>
    describeRollout(feature, features()[feature], await store.get(feature))

  app.get('/rollouts', { schema: rolloutsSchema }, async () => {
    const result: Record<string, RolloutView> = {}
    for (const feature of Object.keys(features())) {
      const view = await rollout.view(feature)
      if (view !== null) result[feature] = view
    }
    return { controller: await rollout.describeController(), features: result }
  })

  app.get('/rollouts/:feature', { schema: rolloutSchema }, async (request) => {
    requireFeature(request.params.feature)
    return { controller: await rollout.describeController(), ...await view(request.params.feature) }
  })

  app.post('/rollouts/:feature/:action', {
    schema: rolloutActionSchema,
    // A request without a body is an empty one: the schema then checks {}.
    preValidation: async (request) => { request.body ??= {} }
  }, async (request) => {
    const { feature, action } = request.params
    requireFeature(feature)
    const who = adminCallerOf(request) ?? { tokenId: null, remoteAddress: request.socket.remoteAddress ?? 'unknown' }
    const dryRun = action === 'start' ? request.body.dryRun : undefined
    const state = await runOperatorAction(rollout.actions, action, {
      feature, who, requestId: request.id, ...(dryRun === undefined ? {} : { dryRun })
    })
    request.log.info({ admin: who, feature, action, status: state.status, step: state.steps[state.stepIndex] }, 'rollout action')
    const flags = describeFeature(holder.current(), overrides, feature)
    return { ...describeRollout(feature, features()[feature], state), flags, warnings: envWarnings(flags, feature) }
  })
}
