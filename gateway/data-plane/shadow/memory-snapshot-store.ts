/**
 * Shadow snapshots in the gateway's memory, for a gateway without REDIS_URL: the new services
 * reach them through the snapshot routes (snapshot-routes.ts). Every entry has a short TTL and
 * expired entries go on every write, so the map holds at most one TTL's worth of shadows.
 */
import type { SnapshotStore } from '@strangler-gateway/flask-session'

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
