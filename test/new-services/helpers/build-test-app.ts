/** The new services on fixtures and an in-memory store, plus a client that carries cookie and CSRF token. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { fileURLToPath } from 'node:url'
import type { SessionStore } from '../../../legacy-adapter/session/session-types.js'
import { buildNewServices, type NewServicesOptions } from '../../../new-services/app.js'
import { createMemorySessionStore } from '../../../new-services/session/memory-session-store.js'

export const FIXTURE_SCENARIOS_DIR = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url))

export async function buildTestApp (
  t: { teardown (fn: () => unknown): void },
  options: NewServicesOptions = {}
): Promise<{ app: FastifyInstance, store: SessionStore }> {
  const store = options.sessionStore ?? createMemorySessionStore()
  const app = await buildNewServices({ scenariosDir: FIXTURE_SCENARIOS_DIR, env: {}, llm: { mode: 'offline' }, ...options, sessionStore: store })
  t.teardown(async () => await app.close())
  return { app, store }
}

export interface TestClient {
  cookie: string
  sid: string
  token: string
  post (url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  get (url: string): Promise<LightMyRequestResponse>
}

/** A browser-like client: fetches a CSRF token (creating the session) and sends both back. */
export async function newClient (app: FastifyInstance): Promise<TestClient> {
  const first = await app.inject({ method: 'GET', url: '/api/csrf-token' })
  const cookie = String(first.headers['set-cookie']).split(';')[0]
  const token = first.json().csrf_token as string
  return {
    cookie,
    sid: cookie.slice('session='.length),
    token,
    async post (url, body = {}, headers = {}) {
      return await app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'x-csrf-token': token, 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body)
      })
    },
    async get (url) {
      return await app.inject({ method: 'GET', url, headers: { cookie } })
    }
  }
}
