/**
 * Flask-Session's Redis store: key `<prefix><sid>`, value the codec's bytes (pickle for
 * Flask-Session 0.3-0.6), written with SET EX <lifetime> as Flask-Session's `setex` does on every
 * save. Flask-Session's default prefix is `session:`; the legacy app in Redis mode uses
 * `workplace-roleplay:`.
 *
 * update() is an optimistic compare-and-set: read, run `change`, and store only if the key still
 * holds the bytes that were read (one Lua script, so it is safe on a shared connection, unlike
 * WATCH); otherwise run `change` again on the fresh value. No concurrent update() through this
 * store is lost. Flask itself saves the whole dict blindly at the end of each request, so a Flask
 * request that overlaps ours can still overwrite it: that is Flask-Session's own behaviour.
 */
import { createRedisClient, type RedisClient } from './redis-connection.js'
import { SessionConfigError, SessionConflictError } from './errors.js'
import { FLASK_PERMANENT_SESSION_LIFETIME_S, FLASK_SESSION_KEY_PREFIX } from './flask-defaults.js'
import type { SessionData, SessionStore } from './session-types.js'
import { createPickleCodec, type ValueCodec } from './value-codec.js'

export const DEFAULT_MAX_UPDATE_ATTEMPTS = 10

// ARGV: 1 = '1' when a value was read ('0' when the key was missing), 2 = that value, 3 = new value, 4 = ttl.
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
return 1`

export interface RedisSessionStoreOptions {
  /** A connected ioredis client; the store never closes a client it was given. */
  redis?: RedisClient
  /** Used when no client is given; the store closes the client it creates. */
  url?: string
  keyPrefix?: string
  /** Default: pickle protocol 4, what Flask-Session 0.3 writes to Redis on Python 3.8+. */
  codec?: ValueCodec
  /** Flask's PERMANENT_SESSION_LIFETIME in seconds (default 31 days; the legacy app: 7 days in dev, 12 h in prod). */
  ttlSeconds?: number
  maxUpdateAttempts?: number
}

export interface RedisSessionStore extends SessionStore {
  readonly keyPrefix: string
  keyFor (sid: string): string
}

export function createRedisSessionStore (options: RedisSessionStoreOptions): RedisSessionStore {
  if (options.redis === undefined && options.url === undefined) {
    throw new SessionConfigError('the Redis session store needs a client (options.redis) or a URL (options.url)')
  }
  const ownsClient = options.redis === undefined
  const redis = options.redis ?? createRedisClient(options.url as string, { lazyConnect: false, maxRetriesPerRequest: 2 })
  const keyPrefix = options.keyPrefix ?? FLASK_SESSION_KEY_PREFIX
  const codec = options.codec ?? createPickleCodec({ protocol: 4 })
  const ttlSeconds = options.ttlSeconds ?? FLASK_PERMANENT_SESSION_LIFETIME_S
  const maxAttempts = options.maxUpdateAttempts ?? DEFAULT_MAX_UPDATE_ATTEMPTS
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new SessionConfigError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`)

  const keyFor = (sid: string): string => keyPrefix + sid

  return {
    keyPrefix,
    keyFor,
    async load (sid) {
      const raw = await redis.getBuffer(keyFor(sid))
      return raw === null ? null : codec.decode(raw)
    },
    async save (sid, data) {
      await redis.set(keyFor(sid), codec.encode(data), 'EX', ttlSeconds)
    },
    async update (sid, change) {
      const key = keyFor(sid)
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const raw = await redis.getBuffer(key)
        const next: SessionData = change(raw === null ? {} : codec.decode(raw))
        const stored = await redis.eval(COMPARE_AND_SET, 1, key,
          raw === null ? '0' : '1', raw ?? '', codec.encode(next), String(ttlSeconds))
        if (stored === 1) return next
      }
      throw new SessionConflictError(maxAttempts)
    },
    async delete (sid) {
      await redis.del(keyFor(sid))
    },
    async close () {
      if (ownsClient) await redis.quit()
    }
  }
}
