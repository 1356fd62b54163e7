/**
 * The one place a Redis client is constructed, for the gateway and the new services alike: a
 * URL opens one server (ioredis `Redis`), a list of cluster nodes opens a Redis Cluster (ioredis
 * `Cluster`, which finds the other nodes and follows failovers by itself).
 *
 * In a cluster, a command naming several keys (MULTI/EXEC, a Lua script, a pipeline, DEL of many)
 * needs them all in one hash slot. A key prefix with a hash tag (`{strangler}:`) puts every key
 * under it in the slot of the tag; `clusterKeyPrefix` adds one to a prefix that has none.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'

export type RedisClient = Redis | Cluster

export interface RedisClusterNode {
  host: string
  port: number
}

/** REDIS_CLUSTER_NODES and, when the nodes ask for it, the password every node shares. */
export interface RedisClusterTarget {
  clusterNodes: RedisClusterNode[]
  username?: string
  password?: string
}

/** A redis:// URL (one server) or the nodes of a cluster. */
export type RedisTarget = string | RedisClusterTarget

export function isClusterTarget (target: RedisTarget): target is RedisClusterTarget {
  return typeof target !== 'string'
}

/** An open client, as opposed to where to open one. */
export function isRedisClient (value: RedisClient | RedisTarget): value is RedisClient {
  return value instanceof Redis || value instanceof Cluster
}

/** `host:port,host:port`; a malformed entry throws, naming it (never a password: none is in it). */
export function parseClusterNodes (list: string): RedisClusterNode[] {
  const nodes = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => {
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(entry)
    const port = Number(match?.[2])
    if (match === null || port < 1 || port > 65_535) throw new TypeError(`REDIS_CLUSTER_NODES: "${entry}" is not host:port`)
    return { host: match[1].replace(/^\[|\]$/g, ''), port }
  })
  if (nodes.length === 0) throw new TypeError('REDIS_CLUSTER_NODES lists no node')
  return nodes
}

/**
 * REDIS_CLUSTER_NODES (with REDIS_CLUSTER_PASSWORD, REDIS_CLUSTER_USERNAME) wins over REDIS_URL;
 * neither set: undefined, and the caller keeps its state in memory.
 */
export function redisTargetFromEnv (env: Record<string, string | undefined>): RedisTarget | undefined {
  const nodes = env.REDIS_CLUSTER_NODES
  if (nodes !== undefined && nodes.trim() !== '') {
    return {
      clusterNodes: parseClusterNodes(nodes),
      ...(env.REDIS_CLUSTER_USERNAME ? { username: env.REDIS_CLUSTER_USERNAME } : {}),
      ...(env.REDIS_CLUSTER_PASSWORD ? { password: env.REDIS_CLUSTER_PASSWORD } : {})
    }
  }
  return env.REDIS_URL === undefined || env.REDIS_URL === '' ? undefined : env.REDIS_URL
}

/** What a log line may say about a target: the nodes, or the URL without its credentials. */
export function describeRedisTarget (target: RedisTarget): string {
  if (isClusterTarget(target)) return `cluster ${target.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`
  try {
    const url = new URL(target)
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`
  } catch {
    return 'redis (unparsable URL)'
  }
}

/** Retries after a MOVED, a failover or a cluster that is briefly down, so a failover costs ms, not errors. */
const CLUSTER_RETRY_DELAY_MS = 100

/**
 * Opens a client for the target. `options` are one server's; for a cluster they apply to every
 * node's connection, except `enableOfflineQueue` and `lazyConnect`, which the cluster takes itself.
 */
export function createRedisClient (target: string, options?: RedisOptions): Redis
export function createRedisClient (target: RedisTarget, options?: RedisOptions): RedisClient
export function createRedisClient (target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (!isClusterTarget(target)) return new Redis(target, options)
  const { enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = options
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...perNode,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password })
    },
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
    retryDelayOnFailover: CLUSTER_RETRY_DELAY_MS,
    retryDelayOnClusterDown: CLUSTER_RETRY_DELAY_MS,
    retryDelayOnTryAgain: CLUSTER_RETRY_DELAY_MS
  }
  return new Cluster(target.clusterNodes, clusterOptions)
}

/** Another connection to the same place (a subscriber), with these options over the original's. */
export function duplicateRedisClient (client: RedisClient, options: RedisOptions = {}): RedisClient {
  if (!(client instanceof Cluster)) return client.duplicate(options)
  const { enableOfflineQueue, lazyConnect, ...perNode } = options
  return client.duplicate([], {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    redisOptions: { ...client.options.redisOptions, ...perNode }
  })
}

/** True when keys under the prefix share one hash slot: it holds a non-empty `{tag}`. */
export function hasHashTag (prefix: string): boolean {
  const open = prefix.indexOf('{')
  if (open === -1) return false
  const close = prefix.indexOf('}', open + 1)
  // Redis hashes the first `{...}` only, and only when it is not empty.
  return close > open + 1
}

/**
 * The prefix a store uses on this target or client: unchanged on one server or when it already
 * has a hash tag; otherwise wrapped in one (`strangler:` -> `{strangler:}`), so a gateway moves
 * to a cluster by setting REDIS_CLUSTER_NODES alone.
 */
export function clusterKeyPrefix (on: RedisTarget | RedisClient, prefix: string): string {
  const cluster = isRedisClient(on) ? on instanceof Cluster : isClusterTarget(on)
  return !cluster || hasHashTag(prefix) ? prefix : `{${prefix}}`
}
