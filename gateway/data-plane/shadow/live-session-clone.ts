/**
 * The live stage's stateful copies (docs/stateful-shadow.md, "The live stage"): new serves the
 * user, and legacy, which cannot be told to leave the real session alone, gets the copy on a
 * clone. Before new runs, the user's session is read from the legacy store (bounded wait) and
 * written back under a throwaway id (`live-shadow-<random>`, short lifetime); legacy's copy
 * carries that id's cookie instead of the user's. Once new has answered, the real session (what
 * new left) is read; once legacy has answered, the clone (what legacy left); the two are
 * compared like any stateful shadow's, and the clone is deleted. The user's entry is only read.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { SessionCookieCodec, SessionData, SessionStore } from '@strangler-gateway/flask-session'
import type { GatewayConfig } from '../../core/config/gateway-config.js'
import { stampSession, type StatefulGuard } from './stateful-guard.js'
import { cloneCookie, newCloneId, withCloneCookie } from './session-clone.js'
import { within, type StatefulDropReason, type StatefulExchange } from './stateful-exchange.js'

/** Every live clone's id starts with this. */
export const LIVE_CLONE_ID_PREFIX = 'live-shadow-'
/** A clone lives this long in the legacy store should the gateway die before deleting it. */
export const LIVE_CLONE_LIFETIME_SECONDS = 300

export interface LiveCloneContext {
  guard: StatefulGuard
  log: FastifyBaseLogger
  /** The legacy store, to read the user's session (never written). */
  sessions: SessionStore
  /** The same store, writing with LIVE_CLONE_LIFETIME_SECONDS, for the clone. */
  clones: SessionStore
  codec: SessionCookieCodec
}

export interface LiveCloneTarget {
  sessionId: string | null
  requestId: string
  /** The user's Cookie header; the copy's has the clone's session cookie instead. */
  cookie: string | string[] | undefined
}

export async function prepareLiveClone (
  ctx: LiveCloneContext, target: LiveCloneTarget, config: GatewayConfig
): Promise<StatefulExchange | StatefulDropReason> {
  const { guard, log } = ctx
  const stamp = stampSession(guard, target.sessionId)
  if (typeof stamp === 'string') return stamp
  const { sid } = stamp
  const readMs = config.shadow.snapshotReadTimeoutMs
  let before: SessionData | null
  try {
    before = await within(ctx.sessions.load(sid), readMs)
  } catch (err) {
    guard.release(stamp)
    log.warn({ err, requestId: target.requestId }, 'live copy: session not read')
    return 'snapshot_failed'
  }
  if (before === null) {
    guard.release(stamp)
    return 'no_session'
  }
  const cloneId = newCloneId(LIVE_CLONE_ID_PREFIX)
  const pair = cloneCookie(config.session.cookie, ctx.codec, cloneId)
  const stored = ctx.clones.save(cloneId, before).then(() => true, (err: unknown) => {
    log.warn({ err, requestId: target.requestId }, 'live copy: session clone not written')
    return false
  })
  const read = async (what: string, load: () => Promise<SessionData | null>): Promise<SessionData | null | StatefulDropReason> => {
    try {
      return await within(load(), readMs)
    } catch (err) {
      log.warn({ err, requestId: target.requestId }, `live copy: ${what} not read`)
      return 'snapshot_failed'
    }
  }
  // What new left in the user's session, read as soon as new's answer is complete.
  const readServed = async (): Promise<SessionData | null | StatefulDropReason> => {
    const after = await read('the user\'s session', async () => await ctx.sessions.load(sid))
    return typeof after === 'string' || guard.consistent(stamp) ? after : 'snapshot_inconsistent'
  }
  let served: Promise<SessionData | null | StatefulDropReason> | undefined
  return {
    key: cloneId,
    headers: { cookie: withCloneCookie(target.cookie, config.session.cookie, pair) },
    stored,
    primaryAnswered: () => { served ??= readServed() },
    async sessions () {
      const candidate = await (served ??= readServed())
      if (typeof candidate === 'string') return candidate
      const legacy = await read('the session clone', async () => await ctx.clones.load(cloneId))
      if (typeof legacy === 'string') return legacy
      if (legacy === null) return 'snapshot_result_missing'
      return { legacy, candidate }
    },
    cleanup: async () => {
      guard.release(stamp)
      await stored
      await ctx.clones.delete(cloneId).catch((err: unknown) => {
        log.warn({ err, requestId: target.requestId }, 'live copy: session clone not deleted; its lifetime ends it')
      })
    }
  }
}
