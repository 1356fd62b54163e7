/**
 * For the report tests: a real gateway (buildGateway, which brings metrics, plus the recorder
 * and report plugins) over two controlled backends, and a driver that sends canary traffic
 * with many sessions so both backends serve.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin, { type ReportPluginOptions } from '../../../../gateway/control-plane/report/report-plugin.js'
import type { VerdictThresholds } from '../../../../gateway/core/config/verdict-thresholds.js'
import type { GatewayConfig } from '../../../../gateway/core/config/gateway-config.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer, type TestServer } from '../../../helpers/http-server.js'

export interface BackendSpec {
  delayMs?: number
  /** Every Nth request of this backend answers 500. */
  failEvery?: number
  /** Served at /metrics as process_resident_memory_bytes. */
  memoryBytes?: number
}

/**
 * A loaded 2-core CI machine adds tens of ms of jitter to any request; the tests' slow backend is
 * 80 ms slower, so a 40 ms tolerance keeps equal backends "ready" without hiding the 2x one.
 */
export const TEST_THRESHOLDS: Partial<VerdictThresholds> = { minSamples: 50, latencyToleranceMs: 40 }

export async function startBackend (spec: BackendSpec): Promise<TestServer> {
  let served = 0
  return await startServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      res.end(`# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes ${spec.memoryBytes ?? 0}\n`)
      return
    }
    served++
    const status = spec.failEvery !== undefined && served % spec.failEvery === 0 ? 500 : 200
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: status === 200 }))
    }, spec.delayMs ?? 0)
  })
}

/** Two test backends and a routes.yaml sending half the chat sessions to new; closed by `t`. */
export async function canaryBackends (
  t: { teardown: (fn: () => Promise<void>) => void },
  legacy: BackendSpec = {},
  candidate: BackendSpec = {}
): Promise<GatewayConfig> {
  const oldServer = await startBackend(legacy)
  t.teardown(oldServer.close)
  const newServer = await startBackend(candidate)
  t.teardown(newServer.close)
  return parseRoutesConfig(routesYaml({
    legacy: oldServer.url,
    new: newServer.url,
    features: { chat: { enabled: true, canary: 50 } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }))
}

export interface ReportGateway {
  app: FastifyInstance
  url: string
  close: () => Promise<void>
}

export async function startReportGateway (
  legacy: BackendSpec,
  candidate: BackendSpec,
  { auth, ...reportOptions }: ReportPluginOptions & { auth?: onRequestAsyncHookHandler } = {}
): Promise<ReportGateway> {
  const oldServer = await startBackend(legacy)
  const newServer = await startBackend(candidate)
  const metricsUrl = (server: TestServer, spec: BackendSpec): string | null =>
    spec.memoryBytes === undefined ? null : `${server.url}/metrics`
  const config = parseRoutesConfig(routesYaml({
    legacy: oldServer.url,
    new: newServer.url,
    upstreams: {
      legacy: { url: oldServer.url, metricsUrl: metricsUrl(oldServer, legacy) },
      new: { url: newServer.url, metricsUrl: metricsUrl(newServer, candidate) }
    },
    features: { chat: { enabled: true, canary: 50 }, watch: { enabled: false, shadow: { sample: 10 } } },
    routes: [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
  }))
  const app = await buildGateway({ config, env: {} })
  await app.register(recorderPlugin)
  await app.register(reportPlugin, { thresholds: TEST_THRESHOLDS, ...reportOptions })
  await app.register(adminPlugin, { auth })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    app,
    url,
    close: async () => {
      await app.close()
      await oldServer.close()
      await newServer.close()
    }
  }
}

/** `count` requests to /api/chat, one session each, `concurrency` at a time. */
export async function driveCanary (url: string, count: number, concurrency = 4): Promise<{ old: number, new: number }> {
  const served = { old: 0, new: 0 }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      const res = await request(`${url}/api/chat`, { headers: { cookie: `session=report-session-${i}` } })
      await res.body.dump()
      if (res.headers['x-served-by'] === 'new') served.new++
      else served.old++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return served
}

export async function getReport (url: string, feature = 'chat'): Promise<any> {
  const res = await request(`${url}/admin/report/${feature}?window=15m`)
  return await res.body.json()
}
