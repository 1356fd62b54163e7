/**
 * Decorates `app.latencyRecorder` and feeds it: shadow pairs from the shadow runner's
 * onCompared event, live traffic from one onResponse hook: legacy-served requests of a feature are the old side,
 * new-served ones the new side, and a fallback counts as a failed call of new, since legacy's
 * rescue hides the failure from users but not from the verdict.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisClient } from '@strangler-gateway/flask-session'
import { createMemoryRecorder } from '../../analysis/report/memory-recorder.js'
import type { LatencyRecorder } from '../../analysis/report/recorder-types.js'
import { createRedisRecorder } from '../../analysis/report/redis-recorder.js'
import { subscribe } from '../../data-plane/events.js'
import { allKnown } from '../../analysis/known-differences/known-difference.js'

declare module 'fastify' {
  interface FastifyInstance {
    latencyRecorder: LatencyRecorder
  }
}

export interface RecorderPluginOptions {
  /** Use this recorder (its creator closes it). */
  recorder?: LatencyRecorder
  /** Else, with a client, a Redis recorder shared by all replicas (the client is not closed here). */
  redis?: RedisClient
  /**
   * The gateway's Redis prefix (GATEWAY_REDIS_PREFIX, default `strangler:`); the counters live
   * under `<prefix>report:`, next to the overrides, audit trail and rollout state.
   */
  keyPrefix?: string
  retentionMinutes?: number
}

export const DEFAULT_GATEWAY_KEY_PREFIX = 'strangler:'

export function reportKeyPrefix (gatewayPrefix = DEFAULT_GATEWAY_KEY_PREFIX): string {
  return `${gatewayPrefix}report:`
}

async function recorderPlugin (app: FastifyInstance, options: RecorderPluginOptions): Promise<void> {
  let recorder = options.recorder
  if (recorder === undefined) {
    recorder = options.redis !== undefined
      ? createRedisRecorder({
        redis: options.redis,
        keyPrefix: reportKeyPrefix(options.keyPrefix),
        retentionMinutes: options.retentionMinutes,
        onError: (err, dropped) => app.log.warn({ err, dropped }, 'report counters not written to Redis; batch dropped')
      })
      : createMemoryRecorder(options.retentionMinutes)
    const created = recorder
    app.addHook('onClose', async () => { await created.close() })
  }
  const live = recorder
  app.decorate('latencyRecorder', live)

  // With the known-differences plugin, a pair whose every difference is accepted counts apart.
  const known = app.hasDecorator('knownDifferences') ? app.knownDifferences : undefined
  subscribe(app, 'shadow-compared', ({ pair: { feature, route, legacy, candidate, result } }) => {
    const accepted = result.verdict === 'different' && allKnown(known, feature, route, result.differences)
    live.recordShadowPair({
      feature,
      legacy: legacy ?? { latencyMs: null, status: 0 },
      candidate: candidate ?? { latencyMs: null, status: 0 },
      different: result.verdict === 'different' && !accepted,
      known: accepted
    })
  })

  // Coverage: every sampled shadow, and how it ended (compared, dropped or errored).
  subscribe(app, 'shadow-sampled', ({ feature }) => { live.recordShadowCount(feature, 'sampled') })
  subscribe(app, 'shadow-ended', ({ feature, outcome }) => { live.recordShadowCount(feature, outcome) })

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const exchange = request.proxy
    const feature = exchange?.decision.route?.feature
    // A tester's pinned request is no user's: it stays out of the verdict's live figures.
    if (exchange != null && feature !== undefined && exchange.decision.reason !== 'pin') {
      if (exchange.servedBy === 'legacy-fallback') live.recordLive(feature, 'new', { latencyMs: null, status: 0 })
      else live.recordLive(feature, exchange.servedBy === 'new' ? 'new' : 'old', { latencyMs: reply.elapsedTime, status: reply.statusCode })
    }
    done()
  })
}

export default fp(recorderPlugin, { name: 'latency-recorder', fastify: '5.x', dependencies: ['proxy'] })
