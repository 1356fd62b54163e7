/**
 * Stateful shadows, on the new services' side (docs/stateful-shadow.md): a shadow request
 * (X-Shadow-Request: 1) that names a snapshot (X-Shadow-Snapshot: <key>) runs on the session the
 * gateway read before legacy changed it, and its resulting session goes to `<key>:result` in the
 * snapshot store, with a short TTL, for the gateway to compare. The real session is never written.
 * The key rules, the encoding and the Redis store are the gateway's (gateway/shadow/snapshot-store.ts).
 */
import {
  createRedisSnapshotStore, decodeSnapshot, DEFAULT_SNAPSHOT_KEY_PREFIX, DEFAULT_SNAPSHOT_TTL_MS, encodeSnapshot,
  isSnapshotKey, resultKey, type SnapshotStore
} from '../../gateway/shadow/snapshot-store.js'
import type { SessionData } from '../../legacy-adapter/session/types.js'
import type { Env } from '../service-context.js'

export { SNAPSHOT_HEADER, SNAPSHOT_STATUS_HEADER, SNAPSHOT_TTL_HEADER } from '../../gateway/shadow/snapshot-store.js'

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

/** SHADOW_SNAPSHOT_REDIS_URL (else REDIS_URL), SHADOW_SNAPSHOT_PREFIX, SHADOW_SNAPSHOT_TTL_MS; undefined without a Redis URL. */
export function shadowSnapshotsFromEnv (env: Env = process.env): ShadowSnapshotSetup | undefined {
  const url = env.SHADOW_SNAPSHOT_REDIS_URL || env.REDIS_URL
  if (url == null || url === '') return undefined
  const ttl = Number(env.SHADOW_SNAPSHOT_TTL_MS ?? DEFAULT_SNAPSHOT_TTL_MS)
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error(`SHADOW_SNAPSHOT_TTL_MS must be a positive integer, got "${env.SHADOW_SNAPSHOT_TTL_MS}"`)
  const store = createRedisSnapshotStore({ url, keyPrefix: env.SHADOW_SNAPSHOT_PREFIX || DEFAULT_SNAPSHOT_KEY_PREFIX })
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
