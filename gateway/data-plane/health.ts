/**
 * GET /health: the gateway itself, and whether each upstream answers its own health path.
 * The gateway answers 200 while it can serve; upstream trouble shows as `degraded` in the body,
 * because restarting a gateway does not mend an upstream.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ConfigHolder } from './config-holder.js'
import type { Upstream } from './proxy/upstream-pool.js'

const HEALTH_PROBE_TIMEOUT_MS = 1_000

interface UpstreamHealth {
  url: string
  reachable: boolean
  status?: number
  latencyMs?: number
  error?: string
}

async function probe (upstream: Upstream): Promise<UpstreamHealth> {
  const started = performance.now()
  try {
    const response = await upstream.pool.request({
      method: 'GET',
      path: upstream.config.healthPath,
      headersTimeout: HEALTH_PROBE_TIMEOUT_MS,
      bodyTimeout: HEALTH_PROBE_TIMEOUT_MS,
      signal: AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS)
    })
    await response.body.dump()
    return {
      url: upstream.config.url,
      reachable: response.statusCode < 500,
      status: response.statusCode,
      latencyMs: Math.round(performance.now() - started)
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).name
    return { url: upstream.config.url, reachable: false, error: code }
  }
}

async function healthPlugin (app: FastifyInstance, { holder }: { holder: ConfigHolder }): Promise<void> {
  const startedAt = Date.now()
  app.get('/health', async () => {
    const snapshot = holder.current()
    const [legacy, candidate] = await Promise.all([probe(snapshot.upstreams.legacy), probe(snapshot.upstreams.new)])
    return {
      status: legacy.reachable && candidate.reachable ? 'ok' : 'degraded',
      gateway: {
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        configVersion: snapshot.version,
        configLoadedAt: snapshot.loadedAt.toISOString()
      },
      upstreams: { legacy, new: candidate }
    }
  })
}

export default fp(healthPlugin, { name: 'health', fastify: '5.x' })
