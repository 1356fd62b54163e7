/**
 * Admin overrides shared by every gateway replica through Redis.
 *
 * The state lives in a Redis hash (persisted, survives restarts). Each replica keeps a local copy
 * for the synchronous reads on the live path; a change is written and published by one Lua
 * script, so every replica hears about it in the order Redis applied it. A replica reloads the
 * whole hash when it starts, each time its subscription (re)connects (it may have missed
 * messages while away) and every `resyncIntervalMs` as a safety net.
 *
 * Each write bumps a version counter; messages and reloads carry it, so a late message or a
 * reload that raced a newer message never rolls a feature back to an older value.
 *
 * Redis down: reads keep answering from the local copy; `set` fails fast with
 * GW_ERR_OVERRIDES_UNAVAILABLE instead of queueing a change nobody can see.
 *
 * Redis Cluster: the script and the reload name both keys, so the prefix needs a hash tag
 * (shared-state.ts adds one). A message published on any node reaches subscribers on every node;
 * when the node the subscription sits on leaves the cluster, ioredis moves it to another and the
 * store reloads the hash, since messages may have gone by in between.
 */
import type { FastifyBaseLogger } from 'fastify'
import { Cluster } from 'ioredis'
import { createRedisClient, duplicateRedisClient, type RedisClient, type RedisTarget } from '@strangler-gateway/flask-session'
import { OverridesUnavailableError } from '../../core/errors.js'
import type { FeatureOverride, OverrideChange, OverrideStore } from './override-store.js'
import { parseOverride } from './parse-override.js'

export const DEFAULT_OVERRIDE_KEY_PREFIX = 'strangler:'
export const DEFAULT_RESYNC_INTERVAL_MS = 30_000
const COMMAND_TIMEOUT_MS = 2_000
const READY_TIMEOUT_MS = 5_000
const QUIT_TIMEOUT_MS = 1_000

export interface RedisOverrideStoreOptions {
  /** A client to share (not closed by the store); or `target` (a URL or a cluster) and the store opens its own. */
  redis?: RedisClient
  target?: RedisTarget
  /** Prefix of every key: `<prefix>overrides` (hash), `<prefix>overrides:version`. */
  keyPrefix?: string
  /** Pub/sub channel; default `<prefix>overrides:changed`. */
  channel?: string
  resyncIntervalMs?: number
  log: FastifyBaseLogger
}

export interface RedisOverrideStore extends OverrideStore {
  /** Resolves once the current state is loaded; rejects when Redis cannot be read in time. */
  ready (timeoutMs?: number): Promise<void>
  /** Reloads the whole hash now (also done on every reconnect). */
  resync (): Promise<void>
}

interface ChangeMessage {
  feature: string
  after: FeatureOverride | null
  version: number
}

// KEYS: hash, version counter. ARGV: feature, JSON override ('' removes), channel.
// Returns [before JSON or false, version].
const SET_SCRIPT = `
local before = redis.call('HGET', KEYS[1], ARGV[1])
local version = redis.call('INCR', KEYS[2])
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
local after = ARGV[2]
if after == '' then after = 'null' end
redis.call('PUBLISH', ARGV[3], '{"feature":' .. cjson.encode(ARGV[1]) .. ',"after":' .. after .. ',"version":' .. version .. '}')
return {before, version}
`

export function createRedisOverrideStore (options: RedisOverrideStoreOptions): RedisOverrideStore {
  const { log } = options
  const prefix = options.keyPrefix ?? DEFAULT_OVERRIDE_KEY_PREFIX
  const hashKey = `${prefix}overrides`
  const versionKey = `${prefix}overrides:version`
  const channel = options.channel ?? `${prefix}overrides:changed`
  const ownsClient = options.redis === undefined
  const clientOptions = {
    // A change must fail now, not wait in a queue for a Redis that may never come back.
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    lazyConnect: true
  }
  const client = options.redis ?? createRedisClient(requireTarget(options.target), clientOptions)
  // Subscriptions may queue: ioredis re-subscribes by itself after a reconnect.
  const subscriber = ownsClient
    ? createRedisClient(requireTarget(options.target), { lazyConnect: true, maxRetriesPerRequest: null })
    : duplicateRedisClient(client, { lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: null })

  const overrides = new Map<string, FeatureOverride>()
  /** The Redis version each feature's local value reflects. */
  const versions = new Map<string, number>()
  let snapshot: Readonly<Record<string, FeatureOverride>> = Object.freeze({})
  const listeners = new Set<(change: OverrideChange) => void>()
  let closed = false
  let loaded: Promise<void> | undefined

  const apply = (feature: string, after: FeatureOverride | undefined, version: number): void => {
    if ((versions.get(feature) ?? -1) >= version) return
    versions.set(feature, version)
    const before = overrides.get(feature)
    if (JSON.stringify(before) === JSON.stringify(after)) return
    if (after === undefined) overrides.delete(feature)
    else overrides.set(feature, Object.freeze({ ...after }))
    snapshot = Object.freeze(Object.fromEntries(overrides))
    const change = { feature, before, after }
    for (const listener of listeners) {
      try {
        listener(change)
      } catch (err) {
        log.error({ err, feature }, 'override change listener failed')
      }
    }
  }

  const resync = async (): Promise<void> => {
    const result = await client.multi().hgetall(hashKey).get(versionKey).exec()
    if (result === null) throw new Error('override resync transaction aborted')
    const [[hashErr, hash], [versionErr, rawVersion]] = result as [[Error | null, Record<string, string>], [Error | null, string | null]]
    if (hashErr !== null) throw hashErr
    if (versionErr !== null) throw versionErr
    const version = Number(rawVersion ?? 0)
    const seen = new Set<string>()
    for (const [feature, json] of Object.entries(hash)) {
      const override = parseOverride(json)
      if (override === undefined) {
        log.warn({ feature, key: hashKey }, 'ignoring an unreadable override in Redis')
        continue
      }
      seen.add(feature)
      apply(feature, override, version)
    }
    for (const feature of [...overrides.keys()]) {
      if (!seen.has(feature)) apply(feature, undefined, version)
    }
  }

  const resyncLogged = (why: string): void => {
    resync().then(
      () => log.info({ why, features: overrides.size }, 'admin overrides loaded from Redis'),
      (err: unknown) => log.warn({ err, why }, 'reloading admin overrides from Redis failed; keeping the last known state'))
  }

  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return
    let message: ChangeMessage
    try {
      message = JSON.parse(raw) as ChangeMessage
    } catch {
      log.warn({ channel }, 'ignoring an unreadable override message')
      return
    }
    const after = message.after === null ? undefined : parseOverride(JSON.stringify(message.after))
    apply(message.feature, after, message.version)
  })
  // The first load is ready()'s; after a reconnect of either connection, catch up on what was
  // missed while away (whichever comes back last finds both up).
  for (const connection of [client, subscriber]) {
    let connectedOnce = connection.status === 'ready'
    connection.on('ready', () => {
      if (connectedOnce && !closed) resyncLogged('reconnected')
      connectedOnce = true
    })
  }
  // A cluster's subscription moves to another node when its node leaves; catch up on what passed meanwhile.
  if (subscriber instanceof Cluster) subscriber.on('-node', () => { if (!closed) resyncLogged('cluster node left') })
  for (const connection of [client, subscriber]) {
    connection.on('error', (err: Error) => { if (!closed) log.warn({ err: { message: err.message } }, 'override store Redis connection error') })
  }

  const resyncEvery = options.resyncIntervalMs ?? DEFAULT_RESYNC_INTERVAL_MS
  const timer = resyncEvery > 0 ? setInterval(() => resyncLogged('periodic'), resyncEvery) : undefined
  timer?.unref()

  const start = async (): Promise<void> => {
    for (const connection of [client, subscriber]) {
      if (connection.status === 'wait' || connection.status === 'end') await connection.connect()
    }
    await subscriber.subscribe(channel)
    // After subscribing, so a change between the read and the subscription is not lost.
    await resync()
    log.info({ features: overrides.size, keyPrefix: prefix }, 'admin overrides loaded from Redis')
  }

  return {
    get: (feature) => overrides.get(feature),
    all: () => snapshot,
    async ready (timeoutMs = READY_TIMEOUT_MS) {
      loaded ??= start().catch((err: unknown) => {
        loaded = undefined // a later ready() tries again
        throw err instanceof OverridesUnavailableError ? err : new OverridesUnavailableError((err as Error).message, { cause: err })
      })
      let timeout: NodeJS.Timeout | undefined
      try {
        await Promise.race([loaded, new Promise<never>((_resolve, reject) => {
          timeout = setTimeout(() => reject(new OverridesUnavailableError(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs)
        })])
      } finally {
        clearTimeout(timeout)
      }
    },
    resync,
    async set (feature, override) {
      const json = override === undefined ? '' : JSON.stringify(override)
      let reply: [string | null, number]
      try {
        reply = await client.eval(SET_SCRIPT, 2, hashKey, versionKey, feature, json, channel) as [string | null, number]
      } catch (err) {
        throw new OverridesUnavailableError((err as Error).message, { cause: err })
      }
      const before = reply[0] === null ? undefined : parseOverride(reply[0])
      // Applied here too: the caller sees its change at once, without waiting for its own message.
      apply(feature, override, Number(reply[1]))
      return { feature, before, after: override === undefined ? undefined : { ...override } }
    },
    onChange (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    async close () {
      closed = true
      if (timer !== undefined) clearInterval(timer)
      listeners.clear()
      await Promise.all([closeConnection(subscriber), ownsClient ? closeConnection(client) : undefined])
    }
  }
}

/**
 * QUIT rather than a bare disconnect when the connection is up: after a reconnect ioredis
 * re-subscribes with a SUBSCRIBE whose promise nobody holds (fixed upstream in redis/ioredis#2187,
 * not in 5.11), and a disconnect while it is in flight rejects it as an unhandled rejection.
 * QUIT is answered after it. A Redis that does not answer within a second is cut off.
 */
async function closeConnection (connection: RedisClient): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect()
    return
  }
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    connection.quit().catch(() => undefined),
    new Promise<void>((resolve) => { timer = setTimeout(resolve, QUIT_TIMEOUT_MS) })
  ])
  clearTimeout(timer)
  connection.disconnect() // a no-op once QUIT has closed it
}

function requireTarget (target: RedisTarget | undefined): RedisTarget {
  if (target === undefined || target === '') throw new TypeError('createRedisOverrideStore needs `redis` or `target`')
  return target
}
