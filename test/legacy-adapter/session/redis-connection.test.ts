/**
 * The Redis connection factory: which setting opens what, how cluster nodes are read, and when a
 * key prefix gets a hash tag. No server is needed (clients are made with lazyConnect); the
 * cluster itself is exercised in test/gateway/redis-cluster/.
 */
import { Cluster, Redis } from 'ioredis'
import t from 'tap'
import {
  clusterKeyPrefix, createRedisClient, describeRedisTarget, duplicateRedisClient, hasHashTag, isRedisClient,
  parseClusterNodes, redisTargetFromEnv
} from '@strangler-gateway/flask-session'

t.test('REDIS_CLUSTER_NODES wins over REDIS_URL; neither: undefined', async (t) => {
  t.same(redisTargetFromEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001', REDIS_URL: 'redis://x:6379' }),
    { clusterNodes: [{ host: '10.0.0.1', port: 7000 }, { host: 'redis-b', port: 7001 }] })
  t.same(redisTargetFromEnv({ REDIS_CLUSTER_NODES: 'a:1', REDIS_CLUSTER_USERNAME: 'gw', REDIS_CLUSTER_PASSWORD: 'pw' }),
    { clusterNodes: [{ host: 'a', port: 1 }], username: 'gw', password: 'pw' })
  t.equal(redisTargetFromEnv({ REDIS_CLUSTER_NODES: ' ', REDIS_URL: 'redis://x:6379' }), 'redis://x:6379')
  t.equal(redisTargetFromEnv({ REDIS_URL: '' }), undefined)
  t.equal(redisTargetFromEnv({}), undefined)
})

t.test('cluster nodes are host:port, IPv6 in brackets; anything else is refused by name', async (t) => {
  t.same(parseClusterNodes('[::1]:7000,127.0.0.1:7001,'), [{ host: '::1', port: 7000 }, { host: '127.0.0.1', port: 7001 }])
  t.throws(() => parseClusterNodes('127.0.0.1'), { message: 'REDIS_CLUSTER_NODES: "127.0.0.1" is not host:port' })
  t.throws(() => parseClusterNodes('a:70000'), { message: /"a:70000" is not host:port/ })
  t.throws(() => parseClusterNodes('a:0'), { message: /"a:0" is not host:port/ })
  t.throws(() => parseClusterNodes(' , '), { message: 'REDIS_CLUSTER_NODES lists no node' })
})

t.test('a description of the target never carries its credentials', async (t) => {
  t.equal(describeRedisTarget('redis://user:secret@cache:6380/2'), 'redis://cache:6380/2')
  t.equal(describeRedisTarget('redis://cache'), 'redis://cache')
  t.equal(describeRedisTarget('not a url'), 'redis (unparsable URL)')
  t.equal(describeRedisTarget({ clusterNodes: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }], password: 'secret' }), 'cluster a:1,b:2')
})

t.test('a hash tag is the first non-empty {...}, as Redis hashes it', async (t) => {
  t.ok(hasHashTag('{sg}:'))
  t.ok(hasHashTag('app:{sg}:'))
  t.notOk(hasHashTag('strangler:'))
  t.notOk(hasHashTag('{}sg:'), 'an empty tag hashes the whole key')
  t.notOk(hasHashTag('sg{:'))
})

t.test('a prefix gets a hash tag on a cluster only, and only when it has none', async (t) => {
  const cluster = { clusterNodes: [{ host: '127.0.0.1', port: 7000 }] }
  t.equal(clusterKeyPrefix('redis://127.0.0.1:6379', 'strangler:'), 'strangler:')
  t.equal(clusterKeyPrefix(cluster, 'strangler:'), '{strangler:}')
  t.equal(clusterKeyPrefix(cluster, '{sg}:'), '{sg}:')
  const client = createRedisClient(cluster, { lazyConnect: true })
  const single = createRedisClient('redis://127.0.0.1:6379', { lazyConnect: true })
  t.teardown(() => { client.disconnect(); single.disconnect() })
  t.equal(clusterKeyPrefix(client, 'strangler:'), '{strangler:}', 'a cluster client counts as a cluster')
  t.equal(clusterKeyPrefix(single, 'strangler:'), 'strangler:')
})

t.test('a URL opens one server, cluster nodes a Cluster with the options on every node', async (t) => {
  const single = createRedisClient('redis://127.0.0.1:6379', { lazyConnect: true, commandTimeout: 1234 })
  t.teardown(() => single.disconnect())
  t.ok(single instanceof Redis)
  t.equal(single.options.commandTimeout, 1234)

  const retry = (): number => 10
  const cluster = createRedisClient({ clusterNodes: [{ host: '127.0.0.1', port: 7000 }], username: 'gw', password: 'pw' },
    { lazyConnect: true, enableOfflineQueue: false, commandTimeout: 1234, maxRetriesPerRequest: 1, retryStrategy: retry })
  t.teardown(() => cluster.disconnect())
  t.ok(cluster instanceof Cluster)
  const options = (cluster as Cluster).options
  t.equal(options.enableOfflineQueue, false, 'the offline queue is the cluster\'s own')
  t.equal(options.lazyConnect, true)
  t.equal(options.clusterRetryStrategy, retry)
  t.match(options.redisOptions, { commandTimeout: 1234, maxRetriesPerRequest: 1, username: 'gw', password: 'pw' })
  t.notOk('retryStrategy' in (options.redisOptions ?? {}), 'a node does not reconnect by itself: the cluster does')
  t.ok(isRedisClient(cluster))
  t.notOk(isRedisClient({ clusterNodes: [] }))
  t.notOk(isRedisClient('redis://x'))
})

t.test('a duplicate goes to the same place with the options given over the original ones', async (t) => {
  const single = createRedisClient('redis://127.0.0.1:6390', { lazyConnect: true, commandTimeout: 1234 })
  const singleCopy = duplicateRedisClient(single, { maxRetriesPerRequest: null })
  const cluster = createRedisClient({ clusterNodes: [{ host: '127.0.0.1', port: 7000 }], password: 'pw' }, { lazyConnect: true, commandTimeout: 1234 })
  const clusterCopy = duplicateRedisClient(cluster, { lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: null })
  t.teardown(() => { for (const c of [single, singleCopy, cluster, clusterCopy]) c.disconnect() })
  t.ok(singleCopy instanceof Redis)
  t.match(singleCopy.options, { port: 6390, commandTimeout: 1234, maxRetriesPerRequest: null })
  t.ok(clusterCopy instanceof Cluster)
  const copied = clusterCopy as Cluster
  t.same((copied as unknown as { startupNodes: unknown }).startupNodes, [{ host: '127.0.0.1', port: 7000 }], 'the same startup nodes')
  t.equal(copied.options.enableOfflineQueue, true)
  t.match(copied.options.redisOptions, { commandTimeout: 1234, password: 'pw', maxRetriesPerRequest: null })
})
