/**
 * The audit trail in a Redis list shared by every replica: LPUSH then LTRIM in one
 * transaction, so the list never grows past its cap.
 */
import { createRedisClient, type RedisClient, type RedisTarget } from '@strangler-gateway/flask-session'
import { DEFAULT_AUDIT_MAX_ENTRIES, filterEntries, type AuditEntry, type AuditLog } from './audit-log.js'

const COMMAND_TIMEOUT_MS = 2_000

export interface RedisAuditLogOptions {
  /** A client to share (not closed here); or `target` (a URL or a cluster) and the log opens its own. */
  redis?: RedisClient
  target?: RedisTarget
  /** The list is `<keyPrefix>audit`. */
  keyPrefix?: string
  maxEntries?: number
}

export function createRedisAuditLog (options: RedisAuditLogOptions): AuditLog {
  const key = `${options.keyPrefix ?? 'strangler:'}audit`
  const maxEntries = options.maxEntries ?? DEFAULT_AUDIT_MAX_ENTRIES
  const ownsClient = options.redis === undefined
  if (ownsClient && (options.target === undefined || options.target === '')) throw new TypeError('createRedisAuditLog needs `redis` or `target`')
  const client = options.redis ?? createRedisClient(options.target as RedisTarget, { commandTimeout: COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 1 })
  // Errors surface on the calls; the connection event alone is not worth a crash.
  if (ownsClient) client.on('error', () => {})

  return {
    async record (entry) {
      await client.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, maxEntries - 1).exec()
    },
    async list (query = {}) {
      // A feature filter reads the whole (capped) list; without one only what is asked for.
      const end = query.feature === undefined ? Math.max(0, (query.limit ?? 100) - 1) : maxEntries - 1
      const raw = await client.lrange(key, 0, end)
      const entries: AuditEntry[] = []
      for (const item of raw) {
        try {
          entries.push(JSON.parse(item) as AuditEntry)
        } catch {
          // An unreadable entry is skipped, not fatal to the whole trail.
        }
      }
      return filterEntries(entries, query)
    },
    async close () {
      if (ownsClient) client.disconnect()
    }
  }
}
