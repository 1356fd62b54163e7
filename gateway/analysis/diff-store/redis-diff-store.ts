import type { ChainableCommander, RedisOptions } from 'ioredis'
import { createRedisClient, isRedisClient, type RedisClient, type RedisTarget } from '@strangler-gateway/flask-session'
import { pageRecords } from './list-records.js'
import { summarise } from './summarise-diffs.js'
import type { RouteCounters } from './summarise-diffs.js'
import { DEFAULT_DIFF_TTL_SECONDS, DEFAULT_MAX_RECORDS_PER_ROUTE } from './diff-store-types.js'
import type { DiffOutcome, DiffRecord, DiffStore, DiffStoreStats, ListQuery, SummaryOptions } from './diff-store-types.js'

export const DEFAULT_DIFF_KEY_PREFIX = 'sg:diffs:'
/** Writes waiting for Redis beyond this are dropped, so a slow Redis cannot grow the heap. */
export const DEFAULT_MAX_IN_FLIGHT = 1000
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 1000

interface LogLike {
  warn (obj: object, msg: string): void
  info (obj: object, msg: string): void
}

export interface RedisDiffStoreOptions extends SummaryOptions {
  /** A URL or cluster (the store opens and closes its own client) or a client the caller owns and closes. */
  redis: RedisClient | RedisTarget
  prefix?: string
  maxRecordsPerRoute?: number
  ttlSeconds?: number
  maxInFlight?: number
  commandTimeoutMs?: number
  log?: LogLike
}

/**
 * Options for a client that fails fast while Redis is away instead of queueing writes in
 * memory; ioredis keeps reconnecting in the background. Use them for a client you pass in, too.
 */
export function diffStoreRedisOptions (commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 2000)
  }
}

/**
 * Keys (all under the prefix, all with the TTL refreshed on every write):
 * `routes` set of [feature, route]; per route `records:<feature>:<route>` list of the newest N
 * non-equal records (JSON), `outcomes:<feature>:<route>` hash of outcome counts,
 * `fields:<feature>:<route>` hash of per-field difference counts. A write is one pipeline over
 * several of them: in a Redis Cluster the prefix needs a hash tag (createDiffStore adds one).
 */
export function createRedisDiffStore (options: RedisDiffStoreOptions): DiffStore {
  const prefix = options.prefix ?? DEFAULT_DIFF_KEY_PREFIX
  const maxRecords = options.maxRecordsPerRoute ?? DEFAULT_MAX_RECORDS_PER_ROUTE
  const ttl = options.ttlSeconds ?? DEFAULT_DIFF_TTL_SECONDS
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  const owned = !isRedisClient(options.redis)
  const client = isRedisClient(options.redis)
    ? options.redis
    : createRedisClient(options.redis, diffStoreRedisOptions(options.commandTimeoutMs))
  // An owned client's errors are reported through the drop counter; without a listener ioredis prints them.
  if (owned) client.on('error', () => {})

  const stats: DiffStoreStats = {
    backend: 'redis', recordsWritten: 0, recordsDropped: 0, countersWritten: 0, countersDropped: 0, inFlight: 0, connected: false, lastError: null
  }
  const pending = new Set<Promise<boolean>>()
  let failing = false
  const routesKey = `${prefix}routes`
  const key = (what: string, feature: string, route: string): string => `${prefix}${what}:${feature}:${route}`

  function failed (err: unknown): void {
    stats.lastError = err instanceof Error ? err.message : String(err)
    if (!failing) options.log?.warn({ err, prefix }, 'diff store unavailable, dropping diff records')
    failing = true
  }

  function succeeded (): void {
    if (failing) options.log?.info({ prefix, dropped: stats.recordsDropped }, 'diff store available again')
    failing = false
  }

  /** Sends one pipeline; resolves true when every command in it succeeded. Never rejects. */
  function send (build: (p: ChainableCommander) => void): Promise<boolean> {
    if (client.status !== 'ready') {
      failed(new Error(`redis is ${client.status}`))
      return Promise.resolve(false)
    }
    if (stats.inFlight >= maxInFlight) {
      failed(new Error(`more than ${maxInFlight} diff store writes in flight`))
      return Promise.resolve(false)
    }
    const p = client.pipeline()
    build(p)
    stats.inFlight++
    const done = (async () => {
      try {
        const failure = (await p.exec())?.find(([err]) => err !== null)?.[0]
        if (failure != null) throw failure
        succeeded()
        return true
      } catch (err) {
        failed(err)
        return false
      } finally {
        stats.inFlight--
      }
    })()
    pending.add(done)
    // `done` never rejects, so this chain needs no handler of its own.
    done.then(() => pending.delete(done))
    return done
  }

  function touchRoute (p: ChainableCommander, feature: string, route: string): void {
    p.sadd(routesKey, JSON.stringify([feature, route])).expire(routesKey, ttl)
  }

  function countIn (p: ChainableCommander, feature: string, route: string, outcome: DiffOutcome): void {
    const outcomes = key('outcomes', feature, route)
    p.hincrby(outcomes, outcome, 1).expire(outcomes, ttl)
  }

  async function routePairs (query: ListQuery = {}): Promise<Array<[string, string]>> {
    const members = await client.smembers(routesKey)
    return members.map((m) => JSON.parse(m) as [string, string])
      .filter(([feature, route]) => (query.feature === undefined || query.feature === feature) &&
        (query.route === undefined || query.route === route))
  }

  return {
    async record (record: DiffRecord) {
      const ok = await send((p) => {
        const { feature, route } = record
        touchRoute(p, feature, route)
        countIn(p, feature, route, record.verdict)
        if (record.fields.length > 0) {
          const fields = key('fields', feature, route)
          for (const field of record.fields) p.hincrby(fields, field, 1)
          p.expire(fields, ttl)
        }
        if (record.verdict !== 'equal') {
          const list = key('records', feature, route)
          p.lpush(list, JSON.stringify(record)).ltrim(list, 0, maxRecords - 1).expire(list, ttl)
        }
      })
      if (ok) stats.recordsWritten++
      else stats.recordsDropped++
    },

    async countOutcome (feature, route, outcome) {
      const ok = await send((p) => {
        touchRoute(p, feature, route)
        countIn(p, feature, route, outcome)
      })
      if (ok) stats.countersWritten++
      else stats.countersDropped++
    },

    async list (query: ListQuery = {}) {
      const pairs = await routePairs(query)
      if (pairs.length === 0) return pageRecords([], query)
      const p = client.pipeline()
      for (const [feature, route] of pairs) p.lrange(key('records', feature, route), 0, -1)
      const records: DiffRecord[] = []
      for (const [err, rows] of (await p.exec()) ?? []) {
        if (err !== null) throw err
        for (const row of rows as string[]) {
          const record = parseRecord(row)
          if (record !== null) records.push(record)
        }
      }
      return pageRecords(records, query)
    },

    async summary () {
      const pairs = await routePairs()
      const p = client.pipeline()
      for (const [feature, route] of pairs) p.hgetall(key('outcomes', feature, route)).hgetall(key('fields', feature, route))
      const results = pairs.length === 0 ? [] : (await p.exec()) ?? []
      const counters: RouteCounters[] = pairs.map(([feature, route], i) => {
        const [oErr, outcomes] = results[2 * i]
        const [fErr, fields] = results[2 * i + 1]
        if (oErr !== null) throw oErr
        if (fErr !== null) throw fErr
        return { feature, route, outcomes: numbers(outcomes), fields: numbers(fields) }
      })
      // A route whose keys expired stays in the set until the set itself expires; it has nothing to say.
      return summarise(counters.filter((c) => Object.keys(c.outcomes).length > 0 || Object.keys(c.fields).length > 0), options)
    },

    stats () {
      return { ...stats, connected: client.status === 'ready' }
    },

    async close () {
      await Promise.allSettled([...pending])
      if (!owned) return
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect())
      else client.disconnect()
    }
  }
}

function numbers (hash: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries((hash ?? {}) as Record<string, string>)) out[k] = Number(v)
  return out
}

/** A row another gateway version wrote in a shape this one cannot read is skipped, not fatal. */
function parseRecord (row: string): DiffRecord | null {
  try {
    const record = JSON.parse(row) as DiffRecord
    return typeof record === 'object' && record !== null && typeof record.time === 'string' ? record : null
  } catch {
    return null
  }
}
