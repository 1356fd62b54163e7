/**
 * Reads up to N recent real sessions from the legacy app's Flask-Session store, for the handoff
 * check, without changing them: the filesystem store lists its files (newest mtime first; the
 * cachelib entry counter, temp files and expired entries are skipped); Redis is listed with SCAN
 * on the key prefix (newest first by remaining TTL, since Flask-Session re-sets the TTL on every
 * save). A filesystem file is named md5(prefix + sid), so its sid is not known: it is labelled by
 * its file name, hashed. Labels are sha256, first 12 hex digits, never the id itself.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { endianness } from 'node:os'
import path from 'node:path'
import { cachelibFileName, createFileSystemSessionStore, createRedisClient, createRedisSessionStore, valueCodecByName } from '@strangler-gateway/flask-session'
import type { SessionData, SessionStore } from '@strangler-gateway/flask-session'
import type { SessionStoreConfig } from '../../core/config/gateway-config.js'
import { LIVE_CLONE_ID_PREFIX } from '../../data-plane/shadow/live-session-clone.js'
import { locateLegacySessionStore } from '../../data-plane/shadow/stateful-session-store.js'

/** Clones live this long in the store if the check dies before deleting them. */
export const CLONE_LIFETIME_SECONDS = 600
/** Every clone's id starts with this, so a Redis listing skips clones of a concurrent check. */
export const CLONE_ID_PREFIX = 'handoff-check-'
/** At most this many Redis keys are looked at per check. */
export const MAX_SCANNED_KEYS = 10_000

const CACHELIB_COUNT_FILE = cachelibFileName('__wz_cache_count')
const LITTLE_ENDIAN = endianness() === 'LE'

export function hashId (id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 12)
}

export interface SampledSession {
  /** sha256 of the session id (Redis) or of its file name (filesystem), first 12 hex digits. */
  label: string
  data: SessionData
}

export interface SessionSampler {
  readonly type: 'filesystem' | 'redis'
  readonly listing: 'files' | 'scan'
  /** Up to `limit` sessions, newest first, that `accept` takes. */
  sample (limit: number, accept: (data: SessionData) => boolean): Promise<SampledSession[]>
  /** Writes clones (short lifetime), loads and deletes them. */
  readonly store: SessionStore
  /** Tells the filesystem listing to skip a clone (its file has no recognisable name). */
  isClone (sid: string): boolean
  close (): Promise<void>
}

/**
 * A throwaway session's id: this check's clones, and the live stage's copies of users' sessions
 * for legacy (data-plane/shadow/live-session-clone.ts), neither a real session to sample.
 */
export function isThrowaway (sid: string): boolean {
  return sid.startsWith(CLONE_ID_PREFIX) || sid.startsWith(LIVE_CLONE_ID_PREFIX)
}

/** Files of clones in flight in this process, so a concurrent check never samples them. */
const cloneFiles = new Set<string>()

export function openSessionSampler (config: SessionStoreConfig, env: NodeJS.ProcessEnv): SessionSampler {
  const location = locateLegacySessionStore(config, env)
  const codec = valueCodecByName(config.codec)
  if (location.type === 'redis') {
    const redis = createRedisClient(location.where, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true })
    redis.on('error', () => {}) // surfaced by the failing command
    const store = createRedisSessionStore({ redis, keyPrefix: location.keyPrefix, codec, ttlSeconds: CLONE_LIFETIME_SECONDS })
    const glob = location.keyPrefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`) + '*'
    return {
      type: 'redis',
      listing: 'scan',
      store,
      isClone: isThrowaway,
      async sample (limit, accept) {
        const keys: string[] = []
        let cursor = '0'
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', glob, 'COUNT', 200)
          cursor = next
          for (const key of batch) if (!isThrowaway(key.slice(location.keyPrefix.length))) keys.push(key)
        } while (cursor !== '0' && keys.length < MAX_SCANNED_KEYS)
        const pipeline = redis.pipeline()
        for (const key of keys) pipeline.pttl(key)
        const ttls = (await pipeline.exec() ?? []).map(([, ttl]) => typeof ttl === 'number' ? ttl : -2)
        const order = keys.map((key, i) => ({ key, ttl: ttls[i] })).filter((k) => k.ttl !== -2)
          // The longest TTL left was saved last; no TTL (-1) says nothing about age: last.
          .sort((a, b) => (b.ttl === -1 ? -Infinity : b.ttl) - (a.ttl === -1 ? -Infinity : a.ttl))
        const out: SampledSession[] = []
        for (const { key } of order) {
          if (out.length >= limit) break
          const raw = await redis.getBuffer(key)
          if (raw === null) continue
          let data: SessionData
          try { data = codec.decode(raw) } catch { continue }
          if (accept(data)) out.push({ label: hashId(key.slice(location.keyPrefix.length)), data })
        }
        return out
      },
      async close () { await redis.quit().catch(() => { redis.disconnect() }) }
    }
  }
  const dir = location.where
  const store = createFileSystemSessionStore({ dir, keyPrefix: location.keyPrefix, codec, lifetimeSeconds: CLONE_LIFETIME_SECONDS })
  const fileOf = (sid: string): string => cachelibFileName(location.keyPrefix + sid)
  return {
    type: 'filesystem',
    listing: 'files',
    store: {
      ...store,
      // Marks the clone's file before it exists, and unmarks it once it is gone.
      save: async (sid, data) => { cloneFiles.add(fileOf(sid)); await store.save(sid, data) },
      delete: async (sid) => { await store.delete(sid); cloneFiles.delete(fileOf(sid)) }
    },
    isClone: (sid) => cloneFiles.has(fileOf(sid)),
    async sample (limit, accept) {
      const names = (await readdir(dir)).filter((n) => /^[0-9a-f]{32}$/.test(n) && n !== CACHELIB_COUNT_FILE && !cloneFiles.has(n))
      const stats = await Promise.all(names.map(async (name) => {
        try { return { name, mtime: (await stat(path.join(dir, name))).mtimeMs } } catch { return null }
      }))
      const order = stats.filter((s) => s !== null).sort((a, b) => b.mtime - a.mtime)
      const out: SampledSession[] = []
      const nowS = Date.now() / 1000
      for (const { name } of order) {
        if (out.length >= limit) break
        let raw: Buffer
        try { raw = await readFile(path.join(dir, name)) } catch { continue }
        if (raw.length < 4) continue
        const expiry = LITTLE_ENDIAN ? raw.readUInt32LE(0) : raw.readUInt32BE(0)
        if (expiry !== 0 && expiry < nowS) continue
        let data: SessionData
        try { data = codec.decode(raw.subarray(4)) } catch { continue }
        if (accept(data)) out.push({ label: hashId(name), data })
      }
      return out
    },
    async close () { await store.close() }
  }
}
