/**
 * Picks the session store, cookie codec and cookie rules for the legacy app's session modes, so
 * the new services read and write the very sessions the legacy app does:
 * - filesystem (legacy default): cachelib files in SESSION_FILE_DIR (./flask_session), prefix
 *   `session:`, unsigned cookie = bare sid, permanent, 31 days;
 * - redis (SESSION_TYPE=redis): prefix `workplace-roleplay:`, signed cookie `<sid>.<sig>` under
 *   FLASK_SECRET_KEY, browser-session cookie with SameSite=Lax, 7 days in Redis;
 * - memory: a store inside this process (tests, demos without a shared store).
 */
import { mkdirSync } from 'node:fs'
import {
  createFileSystemSessionStore,
  createRedisClient,
  createRedisSessionStore,
  createSessionCookieCodec,
  FLASK_PERMANENT_SESSION_LIFETIME_S,
  FLASK_SESSION_COOKIE_NAME,
  LEGACY_REDIS_KEY_PREFIX
} from '@strangler-gateway/flask-session'
import type { SessionCookieCodec, SessionStore } from '@strangler-gateway/flask-session'
import type { Env, SessionStoreInfo } from '../service-context.js'
import { createMemorySessionStore } from './memory-session-store.js'
import type { SessionCookieOptions } from './session-cookie.js'

export type SessionMode = 'memory' | 'filesystem' | 'redis'

/** The legacy app's Redis-mode lifetime in development (12 h in production). */
export const REDIS_SESSION_LIFETIME_S = 7 * 24 * 3600
/** The legacy app's development secret when FLASK_SECRET_KEY is unset. */
export const DEV_SECRET_KEY = 'dev-secret-key-for-development-only'
export const DEFAULT_SESSION_DIR = './flask_session'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0'

export interface SessionSetupOptions {
  mode?: SessionMode
  /** filesystem: SESSION_FILE_DIR, created when missing. */
  dir?: string
  /** redis: where to connect. */
  redisUrl?: string
  /** redis: Flask's secret_key, which signs the cookie. */
  secretKey?: string
  lifetimeSeconds?: number
  /** A store of the caller's: used as is and never closed here; the mode still sets cookie rules. */
  store?: SessionStore
}

export interface SessionSetup {
  store: SessionStore
  codec: SessionCookieCodec
  cookie: SessionCookieOptions
  info: SessionStoreInfo
  /** Closes what this setup opened (store, Redis client). */
  close (): Promise<void>
}

export function sessionSetupFromEnv (env: Env = process.env): SessionSetupOptions {
  const type = env.SESSION_TYPE
  return {
    mode: type === 'redis' || type === 'memory' ? type : 'filesystem',
    dir: env.SESSION_FILE_DIR || undefined,
    redisUrl: env.REDIS_URL || undefined,
    secretKey: env.FLASK_SECRET_KEY || undefined
  }
}

export function setUpSessions (options: SessionSetupOptions = {}): SessionSetup {
  const mode = options.mode ?? 'memory'
  const given = options.store
  if (given != null) {
    const redisMode = mode === 'redis'
    const lifetimeSeconds = options.lifetimeSeconds ?? (redisMode ? REDIS_SESSION_LIFETIME_S : FLASK_PERMANENT_SESSION_LIFETIME_S)
    return {
      store: given,
      codec: redisMode ? createSessionCookieCodec({ signed: true, secret: options.secretKey ?? DEV_SECRET_KEY }) : createSessionCookieCodec({ signed: false }),
      cookie: redisMode
        ? { name: FLASK_SESSION_COOKIE_NAME, permanent: false, lifetimeSeconds, sameSite: 'Lax' }
        : { name: FLASK_SESSION_COOKIE_NAME, permanent: true, lifetimeSeconds },
      info: redisMode ? { kind: 'redis' } : mode === 'filesystem' ? { kind: 'filesystem', sessionDir: options.dir ?? DEFAULT_SESSION_DIR } : { kind: 'memory' },
      close: async () => {}
    }
  }
  if (mode === 'redis') {
    const lifetimeSeconds = options.lifetimeSeconds ?? REDIS_SESSION_LIFETIME_S
    // The legacy app's own session keys: one server (REDIS_URL), never a cluster.
    const redis = createRedisClient(options.redisUrl ?? DEFAULT_REDIS_URL, { maxRetriesPerRequest: 2 })
    const store = createRedisSessionStore({ redis, keyPrefix: LEGACY_REDIS_KEY_PREFIX, ttlSeconds: lifetimeSeconds })
    return {
      store,
      codec: createSessionCookieCodec({ signed: true, secret: options.secretKey ?? DEV_SECRET_KEY }),
      cookie: { name: FLASK_SESSION_COOKIE_NAME, permanent: false, lifetimeSeconds, sameSite: 'Lax' },
      info: { kind: 'redis', ping: async () => (await redis.ping()) === 'PONG' },
      async close () {
        await store.close()
        await redis.quit()
      }
    }
  }
  const lifetimeSeconds = options.lifetimeSeconds ?? FLASK_PERMANENT_SESSION_LIFETIME_S
  const cookie: SessionCookieOptions = { name: FLASK_SESSION_COOKIE_NAME, permanent: true, lifetimeSeconds }
  const codec = createSessionCookieCodec({ signed: false })
  if (mode === 'filesystem') {
    const dir = options.dir ?? DEFAULT_SESSION_DIR
    mkdirSync(dir, { recursive: true })
    const store = createFileSystemSessionStore({ dir, lifetimeSeconds })
    return { store, codec, cookie, info: { kind: 'filesystem', sessionDir: dir }, close: async () => await store.close() }
  }
  const store = createMemorySessionStore()
  return { store, codec, cookie, info: { kind: 'memory' }, close: async () => await store.close() }
}
