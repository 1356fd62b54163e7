/**
 * Prometheus metrics of the new services from one registry of their own: prom-client's default
 * process metrics (the gateway's report reads memory from them) and per-route request counts and
 * latencies, labelled by route template, never by raw URL.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

export const METRICS_PREFIX = 'new_services_'

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry
  }
}

async function metricsPlugin (app: FastifyInstance): Promise<void> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: `${METRICS_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry]
  })
  const duration = new Histogram({
    name: `${METRICS_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request, by route template and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry]
  })
  app.decorate('metricsRegistry', registry)

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    if (route === '/metrics') return
    requests.inc({ route, method: request.method, status: String(reply.statusCode) })
    duration.observe({ route, method: request.method }, reply.elapsedTime / 1000)
  })

  app.get('/metrics', async (_request, reply) => {
    return await reply.header('content-type', registry.contentType).send(await registry.metrics())
  })
}

export default fp(metricsPlugin, { name: 'ns-metrics', fastify: '5.x' })
