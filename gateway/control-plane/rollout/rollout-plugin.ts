/**
 * Progressive delivery: decorates `app.rollout` (controller, state, operator actions), which the
 * admin plugin serves as /admin/rollouts. With `redis` the state and the controller lock
 * live in Redis and every replica runs a controller, of which the lock holder drives; without
 * it, in this process. Register after the audit and report plugins (it uses their audit log and
 * report context) and on the instance buildGateway returns (it needs app.gateway, app.metrics).
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createRedisClient, type RedisClient, type RedisTarget } from '@strangler-gateway/flask-session'
import { RolloutUnavailableError } from '../../core/errors.js'
import { createMemoryLock, createRedisLock } from './controller-lock.js'
import { createRolloutController, type RolloutController } from './controller.js'
import type { ActionContext } from './operator-actions.js'
import { createRedisStateStore } from './redis-state-store.js'
import { createRolloutMetrics } from './rollout-metrics.js'
import { createMemoryStateStore, type RolloutStateStore } from './rollout-state.js'
import { describeRollout, type ControllerView, type RolloutView } from './rollout-view.js'

export const DEFAULT_ROLLOUT_KEY_PREFIX = 'strangler:'

export interface RolloutPluginOptions {
  /** REDIS_CLUSTER_NODES or REDIS_URL: shared state and lock; unset: in memory. */
  redis?: RedisTarget
  /**
   * GATEWAY_REDIS_PREFIX; the audit entries go to `<prefix>audit`, as the admin API's do. A
   * write's script names the state, the lock and the audit list: in a cluster, hash-tag it.
   */
  keyPrefix?: string
  /** Default: host:pid:random. */
  replicaId?: string
}

export interface RolloutHandle {
  controller: RolloutController
  store: RolloutStateStore
  actions: ActionContext
  describeController: () => Promise<ControllerView>
  /** Where the feature's rollout stands; null when it has neither a plan nor a stored rollout. */
  view: (feature: string) => Promise<RolloutView | null>
}

declare module 'fastify' {
  interface FastifyInstance {
    rollout: RolloutHandle
  }
}

async function rolloutPlugin (app: FastifyInstance, options: RolloutPluginOptions): Promise<void> {
  const replicaId = options.replicaId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const prefix = options.keyPrefix ?? DEFAULT_ROLLOUT_KEY_PREFIX
  const { holder, overrides } = app.gateway
  let redis: RedisClient | undefined
  if (options.redis !== undefined && options.redis !== '') {
    redis = createRedisClient(options.redis, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2_000, lazyConnect: true })
    // Failures surface on the calls (a skipped tick, a 503); the connection event needs no crash.
    redis.on('error', (err) => app.log.debug({ err }, 'rollout: redis error'))
    // Like the override store, a replica starts only once it can reach the shared state.
    try {
      await redis.connect()
    } catch (err) {
      redis.disconnect()
      throw new RolloutUnavailableError((err as Error).message, { cause: err })
    }
  }
  const lockKey = `${prefix}rollout:lock`
  const store = redis === undefined ? createMemoryStateStore(app.adminAudit) : createRedisStateStore({ redis, keyPrefix: prefix, lockKey })
  const lock = redis === undefined ? createMemoryLock(replicaId) : createRedisLock({ redis, key: lockKey, token: replicaId })
  const controller = createRolloutController({
    holder,
    overrides,
    store,
    lock,
    report: () => app.reportContext(),
    metrics: createRolloutMetrics(app.metrics.registry),
    log: app.log.child({ component: 'rollout' }),
    replicaId,
    // Registered before this plugin (registerControlPlane), the alerts plugin hears of automatic rollbacks.
    ...(app.hasDecorator('alerts') ? { alerts: app.alerts } : {})
  })
  const describeController = async (): Promise<ControllerView> => ({
    replicaId,
    leader: controller.isLeader(),
    holder: await lock.holder().catch(() => null),
    store: redis === undefined ? 'memory' : 'redis',
    tickMs: controller.tickMs(),
    lockTtlMs: controller.lockTtlMs()
  })
  const view = async (feature: string): Promise<RolloutView | null> => {
    const config = holder.current().config.features[feature]
    const state = await store.get(feature)
    return config?.rollout !== undefined || state !== null ? describeRollout(feature, config, state) : null
  }
  app.decorate('rollout', { controller, store, actions: { holder, overrides, store }, describeController, view })
  app.addHook('onReady', async () => { controller.start() })
  // Runs before buildGateway's hook closes the override store: close hooks run last-added first.
  app.addHook('onClose', async () => {
    await controller.stop()
    await store.close()
    redis?.disconnect()
  })
}

export default fp(rolloutPlugin, { name: 'rollout', fastify: '5.x', dependencies: ['audit', 'report'] })
