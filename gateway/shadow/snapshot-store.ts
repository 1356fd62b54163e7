/**
 * Where stateful shadows keep session snapshots: the user's session as it was before legacy ran
 * (`<key>`), and the session the new service left after the shadow (`<key>:result`). Every entry
 * has a short TTL, so nothing outlives a shadow by long even when cleanup never runs. Redis when
 * the gateway has REDIS_URL (shared with the new services), process memory otherwise.
 *
 * This file is the wire contract between gateway and new services (docs/stateful-shadow.md): the
 * new services import the header name, the key rules and the Redis store from here.
 */
import { Redis } from 'ioredis'
import type { SessionData } from '../../legacy-adapter/session/types.js'
import { pickleCodec } from '../../legacy-adapter/session/value-codec.js'

/** On a shadow request: the snapshot key the new service loads the session from. */
export const SNAPSHOT_HEADER = 'x-shadow-snapshot'
/** On a shadow request: how long the new service's resulting session may live, in ms. */
export const SNAPSHOT_TTL_HEADER = 'x-shadow-snapshot-ttl-ms'
/** The new service's answer when it could not load the snapshot (`missing`, `unsupported` or `failed`). */
export const SNAPSHOT_STATUS_HEADER = 'x-shadow-snapshot-status'
export const DEFAULT_SNAPSHOT_KEY_PREFIX = 'strangler:snapshot:'
export const DEFAULT_SNAPSHOT_TTL_MS = 30_000

/** Keys are `<request id>.<24 random hex digits>`: a request id's character set, bounded. */
const SNAPSHOT_KEY = /^[A-Za-z0-9._:-]{1,200}$/

export function isSnapshotKey (key: string): boolean {
  return SNAPSHOT_KEY.test(key) && !key.endsWith(':result')
}

export function resultKey (key: string): string {
  return `${key}:result`
}

/** An empty value is "no session stored"; anything else is the session dict, pickled. */
export function encodeSnapshot (session: SessionData | null): Buffer {
  return session === null ? Buffer.alloc(0) : pickleCodec.encode(session)
}

export function decodeSnapshot (bytes: Buffer): SessionData | null {
  return bytes.length === 0 ? null : pickleCodec.decode(bytes)
}

export interface SnapshotStore {
  put: (key: string, value: Buffer, ttlMs: number) => Promise<void>
  /** null when missing or expired. */
  get: (key: string) => Promise<Buffer | null>
  delete: (keys: string[]) => Promise<void>
  close: () => Promise<void>
}

export function createMemorySnapshotStore (now: () => number = Date.now): SnapshotStore & { readonly size: number } {
  const entries = new Map<string, { value: Buffer, expiresAt: number }>()
  const sweep = (): void => {
    const t = now()
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key)
  }
  return {
    get size () { sweep(); return entries.size },
    async put (key, value, ttlMs) {
      // Sweeping on write keeps the map bounded by what was written within one TTL.
      sweep()
      entries.set(key, { value: Buffer.from(value), expiresAt: now() + ttlMs })
    },
    async get (key) {
      const entry = entries.get(key)
      if (entry === undefined) return null
      if (entry.expiresAt <= now()) {
        entries.delete(key)
        return null
      }
      return Buffer.from(entry.value)
    },
    async delete (keys) {
      for (const key of keys) entries.delete(key)
    },
    async close () {
      entries.clear()
    }
  }
}

export interface RedisSnapshotStoreOptions {
  /** A client of the caller's (never closed here), or a URL to connect to (closed on close()). */
  redis?: Redis
  url?: string
  keyPrefix?: string
}

export function createRedisSnapshotStore (options: RedisSnapshotStoreOptions): SnapshotStore {
  const owned = options.redis === undefined
  const redis = options.redis ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 })
  const prefix = options.keyPrefix ?? DEFAULT_SNAPSHOT_KEY_PREFIX
  return {
    async put (key, value, ttlMs) {
      await redis.set(prefix + key, value, 'PX', ttlMs)
    },
    async get (key) {
      return await redis.getBuffer(prefix + key)
    },
    async delete (keys) {
      if (keys.length > 0) await redis.del(...keys.map((key) => prefix + key))
    },
    async close () {
      if (owned) await redis.quit()
    }
  }
}
