/**
 * GET /admin/rollouts, GET /admin/rollouts/:feature, and
 * POST /admin/rollouts/:feature/start|pause|resume|abort (docs/rollout.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FeatureConfig } from '../../core/config/gateway-config.js'
import { AdminBadRequestError, UnknownFeatureError } from '../../core/errors.js'
import { runOperatorAction, type OperatorAction } from '../rollout/operator-actions.js'
import type { RolloutHandle } from '../rollout/rollout-plugin.js'
import { describeRollout, type RolloutView } from '../rollout/rollout-view.js'
import { adminCallerOf } from './auth.js'
import { envWarnings, describeFeature } from './flag-view.js'

interface FeatureParams { feature: string }
const ACTIONS: readonly OperatorAction[] = ['start', 'pause', 'resume', 'abort']

function startBody (body: unknown): { dryRun?: boolean } {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw new AdminBadRequestError('body must be a JSON object like {"dryRun": true}, or empty')
  const { dryRun, ...rest } = body as Record<string, unknown>
  if (Object.keys(rest).length > 0) throw new AdminBadRequestError(`unknown field(s) ${Object.keys(rest).join(', ')}: only "dryRun" can be set`)
  if (dryRun !== undefined && typeof dryRun !== 'boolean') throw new AdminBadRequestError('"dryRun" must be true or false')
  return dryRun === undefined ? {} : { dryRun }
}

export async function rolloutRoutes (app: FastifyInstance, { rollout }: { rollout: RolloutHandle }): Promise<void> {
  const { holder, overrides, store } = rollout.actions
  const features = (): Record<string, FeatureConfig> => holder.current().config.features
  const requireFeature = (feature: string): void => {
    if (!Object.hasOwn(features(), feature)) throw new UnknownFeatureError(feature)
  }
  const view = async (feature: string): Promise<ReturnType<typeof describeRollout>> =>
    describeRollout(feature, features()[feature], await store.get(feature))

  app.get('/rollouts', async () => {
    const result: Record<string, RolloutView> = {}
    for (const feature of Object.keys(features())) {
      const view = await rollout.view(feature)
      if (view !== null) result[feature] = view
    }
    return { controller: await rollout.describeController(), features: result }
  })

  app.get<{ Params: FeatureParams }>('/rollouts/:feature', async (request) => {
    requireFeature(request.params.feature)
    return { controller: await rollout.describeController(), ...await view(request.params.feature) }
  })

  app.post<{ Params: FeatureParams & { action: string } }>('/rollouts/:feature/:action', async (request: FastifyRequest<{ Params: FeatureParams & { action: string } }>) => {
    const { feature, action } = request.params
    requireFeature(feature)
    if (!ACTIONS.includes(action as OperatorAction)) throw new AdminBadRequestError(`unknown rollout action "${action}": use ${ACTIONS.join(', ')}`)
    const who = adminCallerOf(request) ?? { tokenId: null, remoteAddress: request.socket.remoteAddress ?? 'unknown' }
    const state = await runOperatorAction(rollout.actions, action as OperatorAction, {
      feature, who, requestId: request.id, ...(action === 'start' ? startBody(request.body) : {})
    })
    request.log.info({ admin: who, feature, action, status: state.status, step: state.steps[state.stepIndex] }, 'rollout action')
    const flags = describeFeature(holder.current(), overrides, feature)
    return { ...describeRollout(feature, features()[feature], state), flags, warnings: envWarnings(flags, feature) }
  })
}
