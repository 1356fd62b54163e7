/**
 * The legacy CSRF check (core/middleware.py): a before_request hook on a fixed list of POST
 * paths, comparing a header (or form field) with `session["csrf_token"]` in constant time. Every
 * other POST is unprotected, exactly as legacy. The token never expires or rotates.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sendFlaskJson } from './flask-json.js'
import { RawRequestBody } from './request-body.js'

/** Includes /api/start_scenario and /api/start_watch, which legacy lists but never serves. */
export const CSRF_PROTECTED_PATHS: ReadonlySet<string> = new Set([
  '/api/clear_history',
  '/api/chat',
  '/api/scenario_chat',
  '/api/watch/start',
  '/api/watch/next',
  '/api/scenario_feedback',
  '/api/chat_feedback',
  '/api/start_chat',
  '/api/session/clear',
  '/api/start_scenario',
  '/api/start_watch'
])

export const CSRF_TOKEN_EXPIRES_IN_SECONDS = 3600

function headerValue (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function formField (request: FastifyRequest, name: string): string | undefined {
  const body = request.body
  if (!(body instanceof RawRequestBody)) return undefined
  if (!body.contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
  return new URLSearchParams(body.text).get(name) ?? undefined
}

/** hmac.compare_digest: constant time for equal lengths, false otherwise. */
export function tokensMatch (sent: string, expected: unknown): boolean {
  if (typeof expected !== 'string') return false
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The token a request carries, `X-CSRF-Token` first, then `X-CSRFToken`, then the form field. */
export function sentCsrfToken (request: FastifyRequest, headers = ['x-csrf-token', 'x-csrftoken']): string | undefined {
  for (const name of headers) {
    const value = headerValue(request, name)
    if (value) return value
  }
  return formField(request, 'csrf_token') || undefined
}

async function legacyCsrf (app: FastifyInstance): Promise<void> {
  // preHandler: after the body is read (form field) and the session loaded; before the view.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return
    if (!CSRF_PROTECTED_PATHS.has(request.url.split('?')[0])) return
    const sent = sentCsrfToken(request)
    if (sent === undefined) {
      return sendFlaskJson(reply, 403, { error: 'CSRF token validation failed', code: 'CSRF_TOKEN_MISSING' })
    }
    if (!tokensMatch(sent, request.legacySession.csrf_token)) {
      return sendFlaskJson(reply, 403, { error: 'CSRF token validation failed', code: 'CSRF_TOKEN_INVALID' })
    }
  })

  app.get('/api/csrf-token', async (request, reply) => {
    const session = request.legacySession
    if (typeof session.csrf_token !== 'string') {
      session.csrf_token = randomBytes(16).toString('hex')
      session.csrf_token_time = Date.now() / 1000
    }
    return sendFlaskJson(reply, 200, { csrf_token: session.csrf_token, expires_in: CSRF_TOKEN_EXPIRES_IN_SECONDS })
  })
}

export const legacyCsrfPlugin = fp(legacyCsrf, { name: 'legacy-csrf', fastify: '5.x', dependencies: ['legacy-session'] })
