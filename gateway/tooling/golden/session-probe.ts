/**
 * Which Flask session keys a request touched: the session is read through the legacy adapter's
 * store (the same cachelib files or Redis keys the legacy app and the new services write) after
 * each step, and compared key by key with what it held before. Keys Flask-Session keeps for
 * itself (`_permanent`, `_fresh`, ...: a leading underscore) are left out.
 */
import {
  changedKeys,
  createFileSystemSessionStore,
  createRedisSessionStore,
  createSessionCookieCodec,
  LEGACY_REDIS_KEY_PREFIX
} from '@strangler-gateway/flask-session'
import type {
  SessionCookieCodec,
  SessionData,
  SessionStore
} from '@strangler-gateway/flask-session'
import type { CookieJar } from './cookie-jar.js'

export interface SessionProbe {
  /** Human-readable: where sessions are read from. */
  readonly describe: string
  /** The session the jar's cookie points at, or {} when there is none yet. */
  read (jar: CookieJar): Promise<SessionData>
  close (): Promise<void>
}

export interface SessionProbeOptions {
  /** Flask-Session's SESSION_FILE_DIR (cachelib files). */
  dir?: string
  /** Redis holding the sessions (prefix workplace-roleplay:, signed cookies). */
  redisUrl?: string
  redisKeyPrefix?: string
  /** Flask's SECRET_KEY, to verify signed cookies: required with `redisUrl`. */
  secretKey?: string
  cookieName?: string
}

export function createSessionProbe (options: SessionProbeOptions): SessionProbe | undefined {
  const cookieName = options.cookieName ?? 'session'
  let store: SessionStore
  let codec: SessionCookieCodec
  let describe: string
  if (options.dir !== undefined) {
    store = createFileSystemSessionStore({ dir: options.dir })
    codec = createSessionCookieCodec({ signed: false })
    describe = `cachelib session files in ${options.dir}`
  } else if (options.redisUrl !== undefined) {
    const keyPrefix = options.redisKeyPrefix ?? LEGACY_REDIS_KEY_PREFIX
    if (options.secretKey === undefined || options.secretKey === '') {
      throw new Error('reading Redis sessions needs the legacy app\'s SECRET_KEY (FLASK_SECRET_KEY) to verify its signed cookies')
    }
    codec = createSessionCookieCodec({ signed: true, secret: options.secretKey })
    store = createRedisSessionStore({ url: options.redisUrl, keyPrefix })
    describe = `Redis sessions under ${keyPrefix}`
  } else {
    return undefined
  }
  return {
    describe,
    async read (jar) {
      const sid = codec.parse(jar.get(cookieName))
      if (sid === null) return {}
      return (await store.load(sid)) ?? {}
    },
    close: async () => await store.close()
  }
}

/** Top-level keys added, changed or removed between two reads, without Flask-Session's own. */
export function touchedKeys (before: SessionData, after: SessionData): string[] {
  return changedKeys(before, after).filter((key) => !key.startsWith('_')).sort()
}
