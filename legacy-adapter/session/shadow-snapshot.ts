/**
 * The shadow-snapshot wire contract between the gateway and the new services
 * (docs/stateful-shadow.md). A stateful shadow runs on a snapshot of the user's session taken
 * before legacy changed it (`<key>`); the new service leaves its resulting session under
 * `<key>:result`, with a short TTL, for the gateway to compare. Both sides take the header names,
 * the key rules and the encoding from here, so the two can never drift apart. This file holds no
 * client: the Redis store is shadow-snapshot-redis-store.ts, the gateway keeps its memory store.
 */
import { pickleCodec } from './value-codec.js'
import type { SessionData } from './session-types.js'

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

/** Where snapshots live: Redis shared by gateway and new services, or the gateway's memory. */
export interface SnapshotStore {
  put: (key: string, value: Buffer, ttlMs: number) => Promise<void>
  /** null when missing or expired. */
  get: (key: string) => Promise<Buffer | null>
  delete: (keys: string[]) => Promise<void>
  close: () => Promise<void>
}
