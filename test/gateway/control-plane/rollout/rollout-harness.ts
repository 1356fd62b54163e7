/**
 * For the rollout tests: a legacy and a new backend whose failures the test switches on, a
 * gateway with the whole control plane (the rollout controller included) over them, a traffic
 * driver with a fresh session per request, and polling helpers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { request } from 'undici'
import { openSharedState } from '../../../../gateway/control-plane/shared-state.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { registerControlPlane } from '../../../../gateway/control-plane/register-control-plane.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer, type TestServer } from '../../../helpers/http-server.js'

export interface Backend extends TestServer {
  /** Answer 500 to every request while true. */
  failing: boolean
}

export async function startBackend (): Promise<Backend> {
  const state = { failing: false }
  const server = await startServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    const status = state.failing ? 500 : 200
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ ok: status === 200 }))
  })
  return Object.assign(state, server)
}

/** Short bake and interval so a whole rollout takes seconds; a wide latency tolerance for a loaded CI box. */
export function testPlan (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    steps: ['shadow', 10, 50, 100],
    bakeMs: 300,
    minSamples: 20,
    intervalMs: 100,
    thresholds: { latencyToleranceMs: 1_000 },
    ...overrides
  }
}

export function rolloutRoutesYaml (legacy: string, candidate: string, feature: string, plan: Record<string, unknown>, alerts?: Record<string, unknown>): string {
  return routesYaml({
    legacy,
    new: candidate,
    // watch: a feature without a plan.
    features: { [feature]: { enabled: false, canary: 0, shadow: { sample: 100 }, rollout: plan }, watch: {} },
    routes: [{ path: '/api/*', feature }, { path: '/watch/*', feature: 'watch' }],
    ...(alerts === undefined ? {} : { alerts })
  })
}

export interface RolloutGateway {
  app: FastifyInstance
  url: string
  legacy: Backend
  candidate: Backend
  close: () => Promise<void>
}

/** `redis`: shared state in Redis (the report's counters too: give the feature a name of the test's own). */
export async function startRolloutGateway (
  plan: Record<string, unknown>, feature = 'chat', redis?: { url: string, keyPrefix: string },
  /** routes.yaml's alerts block, and the environment its sinks' variables are read from. */
  alerting?: { alerts: Record<string, unknown>, env: Record<string, string> }
): Promise<RolloutGateway> {
  const legacy = await startBackend()
  const candidate = await startBackend()
  // As server.ts wires it: overrides and audit from the same Redis and prefix as the rollout.
  const shared = redis === undefined ? undefined : await openSharedState({ env: {}, log: pino({ level: 'silent' }), redis: redis.url, keyPrefix: redis.keyPrefix })
  const config = parseRoutesConfig(rolloutRoutesYaml(legacy.url, candidate.url, feature, plan, alerting?.alerts))
  const app = await buildGateway({ config, env: {}, overrides: shared?.overrides })
  await registerControlPlane(app, { adminToken: undefined, audit: shared?.audit, redis: redis?.url, keyPrefix: redis?.keyPrefix, env: alerting?.env ?? {} })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    app,
    url,
    legacy,
    candidate,
    close: async () => {
      await app.close()
      await legacy.close()
      await candidate.close()
    }
  }
}

export interface Traffic {
  served: Record<string, number>
  /** Stops sending and waits for the requests in flight. */
  stop: () => Promise<void>
}

/** Sends GET /api/x with a new session each time, `concurrency` at a time, to the urls in turn. */
export function startTraffic (urls: () => string[], { concurrency = 3, pauseMs = 0 } = {}): Traffic {
  const served: Record<string, number> = {}
  const state = { stopped: false }
  let n = 0
  const worker = async (): Promise<void> => {
    while (!state.stopped) {
      const i = n++
      const targets = urls()
      try {
        const res = await request(`${targets[i % targets.length]}/api/x`, { headers: { cookie: `session=rollout-${process.pid}-${i}` } })
        await res.body.dump()
        const by = String(res.headers['x-served-by'])
        served[by] = (served[by] ?? 0) + 1
      } catch {
        served.error = (served.error ?? 0) + 1
      }
      if (pauseMs > 0) await sleep(pauseMs)
    }
  }
  const workers = Array.from({ length: concurrency }, worker)
  return { served, stop: async () => { state.stopped = true; await Promise.all(workers) } }
}

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `check` returns a value other than undefined; fails after the deadline. */
export async function waitFor<T> (what: string, check: () => Promise<T | undefined>, deadlineMs = 30_000, everyMs = 50): Promise<T> {
  const until = Date.now() + deadlineMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

export async function admin (url: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, token?: string): Promise<{ status: number, body: any }> {
  const headers: Record<string, string> = {}
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await request(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.statusCode, body: await res.body.json() }
}

/**
 * Points SESSION_FILE_DIR (read by the handoff check) at an empty directory for this test, so the
 * check finds no session to prove a handoff with and fails; restored at teardown.
 */
export async function emptySessionDir (t: Test): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-handoff-empty-'))
  const previous = process.env.SESSION_FILE_DIR
  process.env.SESSION_FILE_DIR = dir
  t.teardown(async () => {
    if (previous === undefined) delete process.env.SESSION_FILE_DIR
    else process.env.SESSION_FILE_DIR = previous
    await rm(dir, { recursive: true, force: true })
  })
}
