/**
 * Flask-Session's request cycle as the legacy app runs it (Flask-Session 0.3.x semantics): the
 * whole session dict is loaded when the request starts and the whole dict written back when the
 * response goes out, so concurrent requests of one user are last-writer-wins, like legacy.
 * A missing or unknown cookie starts a new session; in permanent mode `_permanent` makes every
 * session non-empty, so every response (even /health) stores it and sets the cookie.
 */
import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { readCookie } from '@strangler-gateway/flask-session'
import type {
  SessionCookieCodec,
  SessionData,
  SessionStore
} from '@strangler-gateway/flask-session'
import { serializeDeletedSessionCookie, serializeSessionCookie } from './session-cookie.js'

export interface LegacySessionOptions {
  store: SessionStore
  cookieCodec: SessionCookieCodec
  cookieName: string
  lifetimeSeconds: number
  /** Filesystem mode: true (Expires on the cookie, `_permanent` in the dict). Legacy Redis mode: false. */
  permanent: boolean
  sameSite?: 'Lax'
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The Flask session dict of this request; routes mutate it, the plugin saves it. */
    legacySession: SessionData
    legacySid: string
    legacySessionLoadedEmpty: boolean
  }
}

function isEmptySession (data: SessionData): boolean {
  return Object.keys(data).length === 0
}

async function legacySession (app: FastifyInstance, options: LegacySessionOptions): Promise<void> {
  app.decorateRequest('legacySession', null as unknown as SessionData)
  app.decorateRequest('legacySid', '')
  app.decorateRequest('legacySessionLoadedEmpty', true)

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const sid = options.cookieCodec.parse(readCookie(request.headers.cookie, options.cookieName))
    // Flask-Session keeps the sid of a cookie whose session is gone; only a missing one is replaced.
    request.legacySid = sid ?? randomUUID()
    const stored = sid === null ? null : await options.store.load(sid)
    request.legacySessionLoadedEmpty = stored === null || isEmptySession(stored)
    request.legacySession = stored ?? (options.permanent ? { _permanent: true } : {})
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const data = request.legacySession
    // null: loading failed (store down); the error response goes out without a session.
    if (data === null) return payload
    if (isEmptySession(data)) {
      if (!request.legacySessionLoadedEmpty) {
        await options.store.delete(request.legacySid)
        reply.header('set-cookie', serializeDeletedSessionCookie(options.cookieName))
      }
      return payload
    }
    await options.store.save(request.legacySid, data)
    reply.header('set-cookie', serializeSessionCookie(options.cookieCodec.serialize(request.legacySid), {
      name: options.cookieName,
      expires: options.permanent ? new Date(Date.now() + options.lifetimeSeconds * 1000) : undefined,
      sameSite: options.sameSite
    }))
    return payload
  })
}

export const legacySessionPlugin = fp(legacySession, { name: 'legacy-session', fastify: '5.x' })
