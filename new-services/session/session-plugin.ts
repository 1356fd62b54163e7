/**
 * The session service: the `session` cookie names a Flask-Session id; the dict lives in the
 * shared store, so the legacy app and the new services read and write the very same sessions.
 * Loaded on request, written before the response when a route changed it. Shadow copies
 * (X-Shadow-Request: 1) read the real session and never write it; a stateful shadow (one that
 * also names a snapshot, shadow-snapshot.ts) runs on the snapshot instead and leaves its resulting
 * session in the snapshot store.
 */
import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { readCookie } from '@strangler-gateway/flask-session'
import type {
  SessionCookieCodec,
  SessionData,
  SessionStore
} from '@strangler-gateway/flask-session'
import { appErrorBody } from '../http/app-errors.js'
import { flaskJsonBody, sendJson } from '../http/flask-json.js'
import { capHistories } from './history-cap.js'
import { sessionSetCookie, type SessionCookieOptions } from './session-cookie.js'
import {
  loadSnapshot, requestedTtlMs, saveSnapshotResult, SNAPSHOT_HEADER, SNAPSHOT_STATUS_HEADER, SNAPSHOT_TTL_HEADER, type ShadowSnapshotOptions, type SnapshotRef
} from './shadow-snapshot.js'

export const SHADOW_HEADER = 'x-shadow-request'
export const SESSION_STORE_FAILED_MESSAGE = 'セッションの読み書きに失敗しました。しばらくしてから再試行してください。'

export class RequestSession {
  /** True when a route changed `data`; the hook then writes the whole dict back. */
  modified = false
  /** The route writes (or not) by itself, e.g. after an SSE stream ends. */
  deferred = false

  constructor (
    readonly sid: string,
    public data: SessionData,
    readonly isNew: boolean,
    readonly readOnly: boolean,
    /** A stateful shadow's snapshot key: the resulting session goes there, never to the store. */
    readonly shadowSnapshot: SnapshotRef | null = null
  ) {}

  get<T = unknown> (key: string): T | undefined {
    return this.data[key] as T | undefined
  }

  set (key: string, value: unknown): void {
    this.data[key] = value
    this.modified = true
  }

  delete (key: string): void {
    if (key in this.data) {
      delete this.data[key]
      this.modified = true
    }
  }
}

export interface SessionPluginOptions {
  store: SessionStore
  codec: SessionCookieCodec
  cookie: SessionCookieOptions
  historyCap: number
  /** Where stateful shadows' snapshots are; without it a stateful shadow gets 503 `unsupported`. */
  shadowSnapshots?: ShadowSnapshotOptions
}

export interface SessionService {
  /** Read-modify-write of the stored dict, with the history cap; a no-op for shadow requests. */
  update (session: RequestSession, change: (current: SessionData) => SessionData): Promise<void>
  /** The Set-Cookie value this response should carry, if any (for routes that write raw). */
  setCookieFor (session: RequestSession): string | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    session: RequestSession
  }
  interface FastifyInstance {
    sessions: SessionService
  }
}

async function sessionPlugin (app: FastifyInstance, options: SessionPluginOptions): Promise<void> {
  const { store, codec, cookie, historyCap, shadowSnapshots } = options

  async function saveResult (log: FastifyBaseLogger, session: RequestSession, ref: SnapshotRef): Promise<void> {
    try {
      await saveSnapshotResult(shadowSnapshots as ShadowSnapshotOptions, ref, session.data)
    } catch (err) {
      // The gateway finds no result and skips the comparison; the shadow's answer stands.
      log.warn({ err }, 'shadow session result not saved')
    }
  }

  app.decorateRequest('session', null as unknown as RequestSession)
  app.decorate('sessions', {
    async update (session, change) {
      if (session.shadowSnapshot !== null) {
        session.data = capHistories(change(session.data), historyCap)
        return await saveResult(app.log, session, session.shadowSnapshot)
      }
      if (session.readOnly) return
      session.data = await store.update(session.sid, (current) => capHistories(change(current), historyCap))
    },
    setCookieFor
  } satisfies SessionService)

  // Flask-Session sets the cookie on every response whose session is not empty; a permanent
  // session always holds `_permanent`, so there that means every response.
  function setCookieFor (session: RequestSession): string | undefined {
    if (Object.keys(session.data).length === 0) return undefined
    return sessionSetCookie(codec.serialize(session.sid), cookie)
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const readOnly = request.headers[SHADOW_HEADER] === '1'
    const snapshotHeader = readOnly ? request.headers[SNAPSHOT_HEADER] : undefined
    const snapshotKey = typeof snapshotHeader === 'string' ? snapshotHeader : null
    const sid = codec.parse(readCookie(request.headers.cookie, cookie.name))
    let stored: SessionData | null
    try {
      if (snapshotKey === null) stored = sid == null ? null : await store.load(sid)
      else {
        const snapshot = await loadSnapshot(shadowSnapshots, snapshotKey)
        if (!snapshot.found) {
          // Running on the real session would compare garbage: the gateway counts this shadow as skipped.
          reply.header(SNAPSHOT_STATUS_HEADER, snapshot.why)
          return await sendJson(reply, 503, appErrorBody('INTERNAL_SERVER_ERROR', SESSION_STORE_FAILED_MESSAGE))
        }
        stored = snapshot.session
      }
    } catch (err) {
      // Never carry on with an empty session: saving it would overwrite the real one.
      request.log.error({ err }, 'session load failed')
      if (snapshotKey !== null) reply.header(SNAPSHOT_STATUS_HEADER, 'failed')
      return await sendJson(reply, 503, appErrorBody('INTERNAL_SERVER_ERROR', SESSION_STORE_FAILED_MESSAGE))
    }
    // A cookie naming an unknown id keeps that id, as Flask-Session does.
    const data: SessionData = stored ?? (cookie.permanent ? { _permanent: true } : {})
    const snapshot = snapshotKey === null ? null : { key: snapshotKey, ttlMs: requestedTtlMs(request.headers[SNAPSHOT_TTL_HEADER]) }
    request.session = new RequestSession(sid ?? randomUUID(), data, sid == null, readOnly, snapshot)
  })

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const session = request.session
    if (session == null) return payload
    const setCookie = setCookieFor(session)
    if (setCookie != null) reply.header('set-cookie', setCookie)
    if (session.shadowSnapshot !== null) {
      // Always a result, changed or not: the gateway compares it with legacy's session.
      if (session.modified) session.data = capHistories(session.data, historyCap)
      if (!session.deferred) await saveResult(request.log, session, session.shadowSnapshot)
      return payload
    }
    if (!session.modified || session.deferred || session.readOnly) return payload
    try {
      await store.save(session.sid, capHistories(session.data, historyCap))
      return payload
    } catch (err) {
      // The client must not believe a change was kept: the answer becomes a 503.
      request.log.error({ err }, 'session save failed')
      reply.code(503).header('content-type', 'application/json').removeHeader('set-cookie')
      return Buffer.from(flaskJsonBody(appErrorBody('INTERNAL_SERVER_ERROR', SESSION_STORE_FAILED_MESSAGE)))
    }
  })
}

export default fp(sessionPlugin, { name: 'ns-session', fastify: '5.x' })
