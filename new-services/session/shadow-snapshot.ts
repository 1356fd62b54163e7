/**
 * Stateful shadows, on the new services' side (docs/stateful-shadow.md): a shadow request
 * (X-Shadow-Request: 1) that names a snapshot (X-Shadow-Snapshot: <key>) runs on the session the
 * gateway read before legacy changed it, and its resulting session goes to `<key>:result` in the
 * snapshot store, with a short TTL, for the gateway to compare. The real session is never written.
 * The header names, the key rules, the encoding and the Redis store are the wire contract in
 * @strangler-gateway/flask-session, which the gateway uses too.
 */
import {
  createRedisSnapshotStore, decodeSnapshot, redisTargetFromEnv, DEFAULT_SNAPSHOT_KEY_PREFIX, DEFAULT_SNAPSHOT_TTL_MS, encodeSnapshot,
  isSnapshotKey, resultKey, SNAPSHOT_TTL_HEADER, type SessionData, type SnapshotStore
} from '@strangler-gateway/flask-session'
import { request } from 'undici'
import type { Env } from '../service-context.js'

export { SNAPSHOT_HEADER, SNAPSHOT_STATUS_HEADER, SNAPSHOT_TTL_HEADER } from '@strangler-gateway/flask-session'

export interface ShadowSnapshotOptions {
  store: Pick<SnapshotStore, 'get' | 'put'>
  /** Longest lifetime of a resulting session under `<key>:result` (default 30 s); the gateway may ask for less. */
  ttlMs?: number
}

/** A stateful shadow's snapshot: its key, and the lifetime the gateway asked for its result. */
export interface SnapshotRef {
  key: string
  ttlMs: number | undefined
}

/** The TTL header as a positive integer; anything else is ignored. */
export function requestedTtlMs (header: string | string[] | undefined): number | undefined {
  const ttl = typeof header === 'string' ? Number(header) : Number.NaN
  return Number.isInteger(ttl) && ttl > 0 ? ttl : undefined
}

export interface ShadowSnapshotSetup extends ShadowSnapshotOptions {
  close: () => Promise<void>
}

/** The gateway's snapshot routes, for a gateway that keeps snapshots in memory. */
export function createHttpSnapshotStore (baseUrl: string): Pick<SnapshotStore, 'get' | 'put'> {
  const base = baseUrl.replace(/\/+$/, '')
  const timeout = { headersTimeout: 2_000, bodyTimeout: 2_000 }
  return {
    async get (key) {
      const response = await request(`${base}/${encodeURIComponent(key)}`, timeout)
      if (response.statusCode === 404) {
        await response.body.dump()
        return null
      }
      if (response.statusCode !== 200) throw new Error(`snapshot read answered ${response.statusCode}`)
      return Buffer.from(await response.body.arrayBuffer())
    },
    async put (key, value, ttlMs) {
      const response = await request(`${base}/${encodeURIComponent(key)}`, {
        ...timeout,
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', [SNAPSHOT_TTL_HEADER]: String(ttlMs) },
        body: value
      })
      await response.body.dump()
      if (response.statusCode !== 204) throw new Error(`snapshot write answered ${response.statusCode}`)
    }
  }
}

/**
 * SHADOW_SNAPSHOT_URL (the gateway's snapshot routes), else SHADOW_SNAPSHOT_REDIS_URL, else the
 * gateway's Redis (REDIS_CLUSTER_NODES, else REDIS_URL), with SHADOW_SNAPSHOT_PREFIX;
 * SHADOW_SNAPSHOT_TTL_MS caps results. Undefined with none of them.
 */
export function shadowSnapshotsFromEnv (env: Env = process.env): ShadowSnapshotSetup | undefined {
  const ttl = Number(env.SHADOW_SNAPSHOT_TTL_MS ?? DEFAULT_SNAPSHOT_TTL_MS)
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error(`SHADOW_SNAPSHOT_TTL_MS must be a positive integer, got "${env.SHADOW_SNAPSHOT_TTL_MS}"`)
  if (env.SHADOW_SNAPSHOT_URL != null && env.SHADOW_SNAPSHOT_URL !== '') {
    return { store: createHttpSnapshotStore(env.SHADOW_SNAPSHOT_URL), ttlMs: ttl, close: async () => {} }
  }
  const target = env.SHADOW_SNAPSHOT_REDIS_URL || redisTargetFromEnv(env)
  if (target === undefined) return undefined
  const store = createRedisSnapshotStore({ target, keyPrefix: env.SHADOW_SNAPSHOT_PREFIX || DEFAULT_SNAPSHOT_KEY_PREFIX })
  return { store, ttlMs: ttl, close: store.close }
}

export type SnapshotLoad = { found: true, session: SessionData | null } | { found: false, why: 'missing' | 'unsupported' }

/** The session a snapshot holds; `unsupported` without a snapshot store or with a malformed key. */
export async function loadSnapshot (options: ShadowSnapshotOptions | undefined, key: string): Promise<SnapshotLoad> {
  if (options === undefined || !isSnapshotKey(key)) return { found: false, why: 'unsupported' }
  const bytes = await options.store.get(key)
  return bytes === null ? { found: false, why: 'missing' } : { found: true, session: decodeSnapshot(bytes) }
}

export async function saveSnapshotResult (options: ShadowSnapshotOptions, ref: SnapshotRef, session: SessionData): Promise<void> {
  const longest = options.ttlMs ?? DEFAULT_SNAPSHOT_TTL_MS
  await options.store.put(resultKey(ref.key), encodeSnapshot(session), Math.min(ref.ttlMs ?? longest, longest))
}
