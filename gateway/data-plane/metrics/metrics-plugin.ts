/**
 * GET /metrics, and the hooks that feed it: one onResponse hook (O(1): a Map-free label pick, a
 * counter, a histogram, a Set add) and listeners on the proxy's fallback and upstream-error
 * events. Registered after the proxy plugin, whose events it listens to.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { subscribe } from '../events.js'
import { firstCookieValue } from '../routing/session-id.js'
import { createActiveSessions, DEFAULT_ACTIVE_SESSION_WINDOW_MINUTES } from './active-sessions.js'
import { createMetrics, type GatewayMetrics, type MetricsOptions } from './create-metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: GatewayMetrics
  }
}

export interface MetricsPluginOptions {
  /** Built here when absent; pass one to share it with code created before the plugin. */
  metrics?: GatewayMetrics
  activeSessionWindowMinutes?: number
  /** Default true: Node's process metrics next to the app's. */
  defaultMetrics?: boolean
  /** The shadow runner's byte budget and pressure, read at scrape time. */
  shadowState?: MetricsOptions['shadowState']
}

export const UNMATCHED_ENDPOINT = 'unmatched'

/** The endpoint label: the routes.yaml template, the gateway's own route, or "unmatched". */
export function endpointLabel (request: FastifyRequest): string {
  const exchange = request.proxy
  if (exchange !== null) return exchange.decision.route?.template ?? UNMATCHED_ENDPOINT
  return request.routeOptions.url ?? UNMATCHED_ENDPOINT
}

async function metricsPlugin (app: FastifyInstance, options: MetricsPluginOptions): Promise<void> {
  const sessions = createActiveSessions(options.activeSessionWindowMinutes ?? DEFAULT_ACTIVE_SESSION_WINDOW_MINUTES)
  const metrics = options.metrics ?? createMetrics({
    defaultMetrics: options.defaultMetrics,
    activeSessions: () => sessions.count(),
    shadowState: options.shadowState
  })
  app.decorate('metrics', metrics)

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const endpoint = endpointLabel(request)
    metrics.requests.inc({ endpoint, method: request.method, status: reply.statusCode })
    const exchange = request.proxy
    if (exchange !== null) {
      metrics.duration.observe(
        { endpoint, service_version: exchange.servedBy === 'new' ? 'new' : 'old' },
        reply.elapsedTime / 1000
      )
      const cookie = firstCookieValue(request.headers.cookie, exchange.snapshot.config.session.cookie)
      if (cookie !== undefined && cookie !== '') sessions.see(cookie)
    }
    done()
  })

  subscribe(app, 'fallback', ({ request, cause }) => {
    metrics.fallbacks.inc({ feature: request.proxy?.decision.route?.feature ?? UNMATCHED_ENDPOINT, cause })
  })
  subscribe(app, 'upstream-error', ({ upstream, code }) => { metrics.upstreamErrors.inc({ upstream, code }) })
  subscribe(app, 'pinned', ({ feature, side }) => { metrics.pinned.inc({ feature, side }) })
  subscribe(app, 'pin-ignored', ({ reason }) => { metrics.pinsIgnored.inc({ reason }) })
  // sampled = compared + dropped + errored + pending, per feature, at every scrape.
  const ledger = new Map<string, { sampled: number, compared: number }>()
  const ledgerOf = (feature: string): { sampled: number, compared: number } => {
    let entry = ledger.get(feature)
    if (entry === undefined) ledger.set(feature, entry = { sampled: 0, compared: 0 })
    return entry
  }
  const showCoverage = (feature: string): void => {
    const entry = ledgerOf(feature)
    metrics.shadow.coverage.set({ feature }, entry.sampled === 0 ? 0 : entry.compared / entry.sampled)
  }
  subscribe(app, 'shadow-sampled', ({ feature }) => {
    metrics.shadow.sampled.inc({ feature })
    metrics.shadow.pending.inc({ feature })
    ledgerOf(feature).sampled++
    showCoverage(feature)
  })
  subscribe(app, 'shadow-ended', ({ feature, outcome }) => {
    metrics.shadow.pending.dec({ feature })
    if (outcome === 'compared') {
      metrics.shadow.compared.inc({ feature })
      ledgerOf(feature).compared++
      showCoverage(feature)
    } else if (outcome === 'errored') metrics.shadow.errored.inc({ feature })
  })
  subscribe(app, 'shadow-sent', ({ feature }) => { metrics.shadow.sent.inc({ feature }) })
  subscribe(app, 'shadow-dropped', ({ feature, reason }) => { metrics.shadow.dropped.inc({ feature, reason }) })
  subscribe(app, 'shadow-timed-out', ({ feature }) => { metrics.shadow.timedOut.inc({ feature }) })
  subscribe(app, 'shadow-compared', ({ pair: { feature, result } }) => {
    metrics.comparisons.inc({ feature, verdict: result.verdict })
    for (const difference of result.differences) metrics.diffs.inc({ feature, kind: difference.kind })
  })

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics()
    return reply.type(metrics.registry.contentType).send(text)
  })
}

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x', dependencies: ['proxy'] })
