/**
 * The legacy app's Flask-Session store as routes.yaml `session.store` describes it, opened for
 * reading by stateful shadows: the session before legacy runs (the snapshot) and after it
 * answered. The gateway writes to it only the live stage's clones, under throwaway ids.
 */
import {
  createFileSystemSessionStore,
  createRedisSessionStore,
  FLASK_SESSION_KEY_PREFIX,
  LEGACY_REDIS_KEY_PREFIX,
  valueCodecByName
} from '@strangler-gateway/flask-session'
import type { SessionStore } from '@strangler-gateway/flask-session'
import type { SessionStoreConfig } from '../../core/config/gateway-config.js'

/** The legacy app's own defaults (docs/legacy-app.md §3.1). */
export const DEFAULT_LEGACY_SESSION_DIR = './flask_session'
export const DEFAULT_LEGACY_REDIS_URL = 'redis://127.0.0.1:6379/0'

export interface LegacySessionStoreLocation {
  type: 'filesystem' | 'redis'
  /** The directory or the Redis URL (credentials included: never log it). */
  where: string
  keyPrefix: string
}

export function locateLegacySessionStore (config: SessionStoreConfig, env: NodeJS.ProcessEnv): LegacySessionStoreLocation {
  if (config.type === 'redis') {
    const url = env[config.urlEnv] ?? env.REDIS_URL ?? DEFAULT_LEGACY_REDIS_URL
    return { type: 'redis', where: url, keyPrefix: config.keyPrefix ?? LEGACY_REDIS_KEY_PREFIX }
  }
  const dir = config.dir ?? env.SESSION_FILE_DIR ?? DEFAULT_LEGACY_SESSION_DIR
  return { type: 'filesystem', where: dir, keyPrefix: config.keyPrefix ?? FLASK_SESSION_KEY_PREFIX }
}

/** `lifetimeSeconds`: what the store's writes last (the live stage's clones); unset, Flask's default. */
export function openLegacySessionStore (config: SessionStoreConfig, env: NodeJS.ProcessEnv, lifetimeSeconds?: number): SessionStore {
  const location = locateLegacySessionStore(config, env)
  const codec = valueCodecByName(config.codec)
  return location.type === 'redis'
    ? createRedisSessionStore({ url: location.where, keyPrefix: location.keyPrefix, codec, ttlSeconds: lifetimeSeconds })
    : createFileSystemSessionStore({ dir: location.where, keyPrefix: location.keyPrefix, codec, lifetimeSeconds })
}
