/**
 * Decorates `app.knownDifferences`: the accepted known differences (analysis/known-differences),
 * in Redis when the control plane has it (every replica sees an accept within seconds), else in
 * memory. The report's recorder counts a pair whose every difference is known apart; the admin
 * plugin serves /admin/diffs/known. Those routes.yaml declares (compare.known) come first; they
 * change with routes.yaml only.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisClient } from '@strangler-gateway/flask-session'
import type { KnownDifferences } from '../../analysis/known-differences/known-difference.js'
import { createMemoryKnownDifferences, createRedisKnownDifferences } from '../../analysis/known-differences/known-difference-stores.js'
import { withDeclared } from '../../analysis/known-differences/declared-known.js'

export interface KnownDifferencesPluginOptions {
  redis?: RedisClient
  /** GATEWAY_REDIS_PREFIX; the hash is `<prefix>known-diffs`. */
  keyPrefix?: string
  refreshMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    knownDifferences: KnownDifferences
  }
}

async function knownDifferencesPlugin (app: FastifyInstance, options: KnownDifferencesPluginOptions): Promise<void> {
  const store = options.redis === undefined
    ? createMemoryKnownDifferences()
    : await createRedisKnownDifferences({
      redis: options.redis,
      keyPrefix: options.keyPrefix ?? 'strangler:',
      refreshMs: options.refreshMs,
      onError: (err) => app.log.warn({ err }, 'known differences not refreshed from Redis; the last copy stays')
    })
  // routes.yaml's compare.known in front, as the running config has them (a reload applies).
  const known = app.hasDecorator('gateway') ? withDeclared(store, () => app.gateway.holder.current().config.features) : store
  app.decorate('knownDifferences', known)
  app.addHook('onClose', async () => { await store.close() })
}

export default fp(knownDifferencesPlugin, { name: 'known-differences', fastify: '5.x' })
