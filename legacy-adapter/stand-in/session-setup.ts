/**
 * Picks the session store and cookie codec for the two session modes of the legacy app:
 * - filesystem (legacy default): Flask-Session's cachelib files in `dir` (./flask_session),
 *   prefix `session:`, pickle, unsigned cookie = bare uuid4 sid, permanent, 31 days;
 * - redis (legacy SESSION_TYPE=redis): prefix `workplace-roleplay:`, pickle, signed cookie
 *   `<sid>.<sig>` under the Flask secret key, browser-session cookie, 7 days in Redis.
 * A caller-provided store or codec wins; the app closes only a store created here.
 */
import { mkdirSync } from 'node:fs'
import {
  createFileSystemSessionStore,
  createRedisSessionStore,
  createSessionCookieCodec,
  FLASK_PERMANENT_SESSION_LIFETIME_S,
  LEGACY_REDIS_KEY_PREFIX
} from '@strangler-gateway/flask-session'
import type { SessionCookieCodec, SessionStore } from '@strangler-gateway/flask-session'
import type { SessionHealthInfo } from './stand-in-context.js'

/** Legacy's Redis mode in development (12 h in production). */
export const REDIS_SESSION_LIFETIME_SECONDS = 7 * 24 * 3600
/** The legacy app's development default when FLASK_SECRET_KEY is unset. */
export const DEV_SECRET_KEY = 'dev-secret-key-for-development-only'
export const DEFAULT_SESSION_DIR = './flask_session'

export type SessionMode = 'filesystem' | 'redis'

export interface SessionSetupOptions {
  mode?: SessionMode
  store?: SessionStore
  cookieCodec?: SessionCookieCodec
  lifetimeSeconds?: number
  /** Filesystem mode: SESSION_FILE_DIR, created when missing. */
  dir?: string
  /** Redis mode: where the store connects when no store is given. */
  redisUrl?: string
  /** Redis mode: Flask's secret_key, which signs the cookie. */
  secretKey?: string
}

export interface SessionSetup {
  mode: SessionMode
  store: SessionStore
  ownsStore: boolean
  cookieCodec: SessionCookieCodec
  lifetimeSeconds: number
  health: SessionHealthInfo
}

export function setUpSessions (options: SessionSetupOptions = {}): SessionSetup {
  const mode = options.mode ?? 'filesystem'
  if (mode === 'filesystem') {
    const lifetimeSeconds = options.lifetimeSeconds ?? FLASK_PERMANENT_SESSION_LIFETIME_S
    const dir = options.dir ?? DEFAULT_SESSION_DIR
    if (options.store === undefined) mkdirSync(dir, { recursive: true })
    return {
      mode,
      store: options.store ?? createFileSystemSessionStore({ dir, lifetimeSeconds }),
      ownsStore: options.store === undefined,
      cookieCodec: options.cookieCodec ?? createSessionCookieCodec({ signed: false }),
      lifetimeSeconds,
      health: { store: 'filesystem', sessionDir: dir }
    }
  }
  const lifetimeSeconds = options.lifetimeSeconds ?? REDIS_SESSION_LIFETIME_SECONDS
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379/0'
  const url = new URL(redisUrl)
  return {
    mode,
    store: options.store ?? createRedisSessionStore({ url: redisUrl, keyPrefix: LEGACY_REDIS_KEY_PREFIX, ttlSeconds: lifetimeSeconds }),
    ownsStore: options.store === undefined,
    cookieCodec: options.cookieCodec ?? createSessionCookieCodec({ signed: true, secret: options.secretKey ?? DEV_SECRET_KEY }),
    lifetimeSeconds,
    health: {
      store: 'redis',
      connectionInfo: { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0) }
    }
  }
}
