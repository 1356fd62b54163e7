/**
 * The legacy CSRF rule (docs/legacy-app.md §7.1): a fixed list of POST paths needs the session's
 * `csrf_token` in X-CSRF-Token or X-CSRFToken; /api/v2/* accepts only X-CSRF-Token. Checked in
 * onRequest, before the body is read, as the legacy before_request hook does.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendJson } from '../http/flask-json.js'

export const CSRF_PROTECTED_PATHS: ReadonlySet<string> = new Set([
  '/api/clear_history', '/api/chat', '/api/scenario_chat', '/api/watch/start', '/api/watch/next',
  '/api/scenario_feedback', '/api/chat_feedback', '/api/start_chat', '/api/session/clear',
  '/api/start_scenario', '/api/start_watch'
])
export const V2_CSRF_PROTECTED_PATHS: ReadonlySet<string> = new Set(['/api/v2/chat', '/api/v2/chat/compare'])

/** The token the session carries, created once (32 hex chars, like secrets.token_hex(16)). */
export function ensureCsrfToken (request: FastifyRequest): string {
  const existing = request.session.get('csrf_token')
  if (typeof existing === 'string' && existing !== '') return existing
  const token = randomBytes(16).toString('hex')
  request.session.set('csrf_token', token)
  request.session.set('csrf_token_time', Date.now() / 1000)
  return token
}

function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function sameToken (given: string, expected: unknown): boolean {
  if (typeof expected !== 'string' || expected === '') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function csrfPlugin (app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return
    const path = request.url.split('?')[0]
    if (CSRF_PROTECTED_PATHS.has(path)) {
      const given = header(request, 'x-csrf-token') ?? header(request, 'x-csrftoken')
      if (given == null || given === '') {
        return await sendJson(reply, 403, { error: 'CSRF token validation failed', code: 'CSRF_TOKEN_MISSING' })
      }
      if (!sameToken(given, request.session.get('csrf_token'))) {
        return await sendJson(reply, 403, { error: 'CSRF token validation failed', code: 'CSRF_TOKEN_INVALID' })
      }
    } else if (V2_CSRF_PROTECTED_PATHS.has(path)) {
      const given = header(request, 'x-csrf-token')
      if (given == null || !sameToken(given, request.session.get('csrf_token'))) {
        return await sendJson(reply, 403, { error: 'CSRF token validation failed' })
      }
    }
  })
}

export default fp(csrfPlugin, { name: 'ns-csrf', fastify: '5.x', dependencies: ['ns-session'] })
