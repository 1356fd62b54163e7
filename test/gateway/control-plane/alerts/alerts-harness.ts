/**
 * For the alert tests: local servers playing the sinks (Slack, a generic webhook, Alertmanager),
 * which can be down, slow or failing, and record what reached them; gateways with the whole
 * control plane over two upstreams, optionally sharing one Redis, with their logs captured so a
 * test can prove a sink's URL and secret never reach them.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { request } from 'undici'
import { openSharedState } from '../../../../gateway/control-plane/shared-state.js'
import { registerControlPlane } from '../../../../gateway/control-plane/register-control-plane.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer, type TestServer } from '../../../helpers/http-server.js'

export interface SinkCall {
  /** ms since the sink started, when the request arrived */
  at: number
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface SinkServer extends TestServer {
  calls: SinkCall[]
  /** Requests answered so far. */
  answered: number
  /** Set by the test: the status to answer, and how long to wait before answering. */
  status: number
  delayMs: number
}

/** A sink on 127.0.0.1 (on `port` when given: for one that is "down" until the test starts it). */
export async function startSink ({ status = 200, delayMs = 0, port = 0, answer = 'ok' } = {}): Promise<SinkServer> {
  const started = Date.now()
  const state = { calls: [] as SinkCall[], answered: 0, status, delayMs }
  const server = await startServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      state.calls.push({ at: Date.now() - started, url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      setTimeout(() => {
        if (res.destroyed) return
        res.writeHead(state.status, { 'content-type': 'text/plain' })
        res.end(answer)
        state.answered++
      }, state.delayMs)
    })
  }, port)
  return Object.assign(state, server)
}

/** Everything a gateway logged, as text (pino's JSON lines). */
export interface LogCapture { text: () => string }

export function captureLogs (): { logger: pino.Logger, capture: LogCapture } {
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } })
  return { logger: pino({ level: 'debug' }, stream), capture: { text: () => lines.join('') } }
}

export interface AlertingGateway {
  app: FastifyInstance
  url: string
  logs: LogCapture
  close: () => Promise<void>
}

export interface AlertingGatewayOptions {
  legacy: string
  candidate: string
  features: Record<string, unknown>
  routes: unknown[]
  alerts: Record<string, unknown>
  /** Where urlEnv and secretEnv are read. */
  env?: Record<string, string>
  redis?: { url: string, keyPrefix: string }
}

export async function startAlertingGateway (options: AlertingGatewayOptions): Promise<AlertingGateway> {
  const { logger, capture } = captureLogs()
  const { redis } = options
  const shared = redis === undefined ? undefined : await openSharedState({ env: {}, log: logger, redis: redis.url, keyPrefix: redis.keyPrefix })
  const config = parseRoutesConfig(routesYaml({ legacy: options.legacy, new: options.candidate, features: options.features, routes: options.routes, alerts: options.alerts }))
  const app = await buildGateway({ config, env: {}, logger, overrides: shared?.overrides })
  await registerControlPlane(app, { adminToken: undefined, audit: shared?.audit, redis: redis?.url, keyPrefix: redis?.keyPrefix, env: options.env ?? {} })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url, logs: capture, close: async () => { await app.close() } }
}

export async function post (url: string, body?: unknown): Promise<{ status: number, body: any, ms: number }> {
  const started = performance.now()
  const res = await request(url, {
    method: 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  })
  const parsed = await res.body.json()
  return { status: res.statusCode, body: parsed, ms: performance.now() - started }
}

export async function getJson (url: string): Promise<any> {
  const res = await request(url)
  return await res.body.json()
}

export async function servedBy (url: string, path = '/api/chat'): Promise<string> {
  const res = await request(`${url}${path}`)
  await res.body.dump()
  return String(res.headers['x-served-by'])
}

export async function metricsText (url: string): Promise<string> {
  const res = await request(`${url}/metrics`)
  return await res.body.text()
}

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `check` returns a value other than undefined; fails after the deadline. */
export async function waitFor<T> (what: string, check: () => Promise<T | undefined> | T | undefined, deadlineMs = 10_000, everyMs = 20): Promise<T> {
  const until = Date.now() + deadlineMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}
