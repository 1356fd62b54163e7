/**
 * Decorates `app.knownDifferences`: the accepted known differences (analysis/known-differences),
 * in Redis when the control plane has it (every replica sees an accept within seconds), else in
 * memory. The report's recorder counts a pair whose every difference is known apart; the admin
 * plugin serves /admin/diffs/known.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RedisClient } from '@strangler-gateway/flask-session'
import type { KnownDifferences } from '../../analysis/known-differences/known-difference.js'
import { createMemoryKnownDifferences, createRedisKnownDifferences } from '../../analysis/known-differences/known-difference-stores.js'

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
  app.decorate('knownDifferences', store)
  app.addHook('onClose', async () => { await store.close() })
}

export default fp(knownDifferencesPlugin, { name: 'known-differences', fastify: '5.x' })
