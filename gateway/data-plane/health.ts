/**
 * GET /health is liveness: 200 while the process runs and answers, with whether each upstream
 * answers its own health path (trouble shows as `degraded` in the body, because restarting a
 * gateway does not mend an upstream).
 *
 * GET /ready is readiness: 200 only when the configuration is loaded, legacy answers its health
 * path, and the gateway is not draining; 503 otherwise, the JSON body saying why. Legacy is
 * checked in the background, at most once a second, never per probe: `readiness.watch()` starts
 * the checks (server.ts calls it once listening; the first /ready does too), `readiness.drain()`
 * turns /ready to 503 for good (shutdown) and stops them. New is not part of readiness: when it
 * fails, legacy serves.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ConfigHolder } from './config-holder.js'
import type { Upstream } from './proxy/upstream-pool.js'

const HEALTH_PROBE_TIMEOUT_MS = 1_000
/** The shortest time between the starts of two background checks of legacy. */
export const LEGACY_CHECK_INTERVAL_MS = 1_000

interface UpstreamHealth {
  url: string
  reachable: boolean
  status?: number
  latencyMs?: number
  error?: string
}

export type ReadyStatus = 'ready' | 'not_ready' | 'draining'

export interface ReadyState {
  status: ReadyStatus
  /** Why it is not ready; empty when it is. */
  reasons: string[]
  /** Always loaded: the gateway answers only once routes.yaml has loaded (see state()). */
  config: { loaded: true, version: number, loadedAt: string }
  /** The last background check of legacy; `checkedAt` null before the first has ended. */
  legacy: UpstreamHealth & { checkedAt: string | null }
  draining: boolean
}

export interface Readiness {
  /** Starts the background check of legacy (idempotent; not after drain). */
  watch: () => void
  /** Shutdown: /ready answers 503 from now on, and legacy is no longer checked. */
  drain: () => void
  readonly draining: boolean
  /** What /ready would answer now (the first check of legacy may still be running). */
  state: () => ReadyState
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

async function probe (upstream: Upstream, stop?: AbortSignal): Promise<UpstreamHealth> {
  const started = performance.now()
  const timeout = AbortSignal.timeout(HEALTH_PROBE_TIMEOUT_MS)
  try {
    const response = await upstream.pool.request({
      method: 'GET',
      path: upstream.config.healthPath,
      headersTimeout: HEALTH_PROBE_TIMEOUT_MS,
      bodyTimeout: HEALTH_PROBE_TIMEOUT_MS,
      signal: stop === undefined ? timeout : AbortSignal.any([timeout, stop])
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

function createReadiness (holder: ConfigHolder): Readiness & { firstCheck: () => Promise<void>, stop: () => void } {
  let draining = false
  let watching = false
  let stopped = false
  let legacy: (UpstreamHealth & { checkedAt: string }) | null = null
  let first: Promise<void> | null = null
  let timer: NodeJS.Timeout | undefined
  const stopChecks = new AbortController()

  const check = (): Promise<void> => {
    const started = Date.now()
    return probe(holder.current().upstreams.legacy, stopChecks.signal).then((result) => {
      if (stopped) return
      legacy = { ...result, checkedAt: new Date().toISOString() }
      timer = setTimeout(check, Math.max(0, LEGACY_CHECK_INTERVAL_MS - (Date.now() - started)))
      timer.unref()
    })
  }
  const stop = (): void => {
    stopped = true
    clearTimeout(timer)
    stopChecks.abort()
  }

  return {
    watch () {
      if (watching || stopped) return
      watching = true
      first = check()
    },
    drain () {
      draining = true
      stop()
    },
    get draining () { return draining },
    firstCheck: async () => { await first },
    stop,
    state () {
      // The holder exists only once routes.yaml has loaded and validated (buildGateway), and
      // server.ts listens only after that: a gateway that can answer has its configuration.
      const snapshot = holder.current()
      const reasons: string[] = []
      const config = { loaded: true as const, version: snapshot.version, loadedAt: snapshot.loadedAt.toISOString() }
      const last = legacy ?? { url: snapshot.upstreams.legacy.config.url, reachable: false, checkedAt: null }
      if (draining) reasons.push('draining: the gateway is shutting down')
      else if (last.checkedAt === null) reasons.push('legacy has not been checked yet')
      else if (!last.reachable) {
        const why = last.status !== undefined ? `HTTP ${last.status}` : last.error ?? 'no answer'
        reasons.push(`legacy does not answer its health path (${why})`)
      }
      const status: ReadyStatus = draining ? 'draining' : reasons.length === 0 ? 'ready' : 'not_ready'
      return { status, reasons, config, legacy: last, draining }
    }
  }
}

async function healthPlugin (app: FastifyInstance, { holder }: { holder: ConfigHolder }): Promise<void> {
  const startedAt = Date.now()
  const readiness = createReadiness(holder)
  app.decorate('readiness', {
    watch: readiness.watch,
    drain: readiness.drain,
    get draining () { return readiness.draining },
    state: readiness.state
  } satisfies Readiness)
  app.addHook('onClose', async () => readiness.stop())

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

  app.get('/ready', async (_request, reply) => {
    // The first probe starts the checks if nothing has, and waits for the first one (at most
    // the probe's timeout); every later probe reads the last result.
    readiness.watch()
    await readiness.firstCheck()
    const state = readiness.state()
    return await reply.code(state.status === 'ready' ? 200 : 503).header('cache-control', 'no-store').send(state)
  })
}

export default fp(healthPlugin, { name: 'health', fastify: '5.x' })
