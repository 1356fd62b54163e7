/**
 * Issue 20's "must show" for Redis Cluster: two gateways on a real cluster of 3 masters, each
 * with a replica, wired from REDIS_CLUSTER_NODES as server.ts wires them. A rollback sent to one
 * reaches the other within 1 s; a master failover loses no override, and a rollback after it
 * still propagates: first CLUSTER FAILOVER on the replica of the master that holds the overrides,
 * then that master killed outright, its replica standing by.
 */
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { clusterKeyPrefix, redisTargetFromEnv, type RedisTarget } from '@strangler-gateway/flask-session'
import { openSharedState } from '../../../gateway/control-plane/shared-state.js'
import { buildGateway } from '../../../gateway/data-plane/build-gateway.js'
import { registerControlPlane } from '../../../gateway/control-plane/register-control-plane.js'
import type { RedisOverrideStore } from '../../../gateway/data-plane/overrides/redis-override-store.js'
import { parseRoutesConfig } from '../../../gateway/core/config/load-config.js'
import type { GatewayConfig } from '../../../gateway/core/config/gateway-config.js'
import { routesYaml } from '../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../helpers/http-server.js'
import { startRedisCluster } from '../../helpers/redis-cluster.js'
import { requireRedisCluster, uniquePrefix } from '../../helpers/requirements.js'

const log = pino({ level: 'silent' })
/** The bound for a rollback to reach every replica. */
const PROPAGATION_BOUND_MS = 1_000

interface Gateway { app: FastifyInstance, url: string }

async function startClusterGateway (t: Test, config: GatewayConfig, env: Record<string, string>): Promise<Gateway> {
  // As server.ts: the target from the environment, overrides read before serving.
  const redis = redisTargetFromEnv(env) as RedisTarget
  const { overrides, audit } = await openSharedState({ env, log, redis })
  const app = await buildGateway({ config, env: {}, overrides, redis })
  await registerControlPlane(app, { adminToken: undefined, audit, redis, keyPrefix: env.GATEWAY_REDIS_PREFIX, env: {} })
  t.teardown(async () => { await app.close(); await audit.close() })
  return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) }
}

async function servedBy (gateway: Gateway, feature: string): Promise<string> {
  const res = await request(`${gateway.url}/api/${feature}/x`)
  await res.body.dump()
  return String(res.headers['x-served-by'])
}

async function admin (gateway: Gateway, method: 'POST' | 'PUT', path: string, body?: unknown): Promise<number> {
  const res = await request(`${gateway.url}/admin${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  })
  await res.body.dump()
  return res.statusCode
}

/** Polls until `gateway` serves `feature` from `side`; the elapsed ms, or fails past `boundMs`. */
async function reaches (t: Test, gateway: Gateway, feature: string, side: string, since: number, boundMs: number): Promise<void> {
  let seen = await servedBy(gateway, feature)
  while (seen !== side && performance.now() - since <= boundMs) seen = await servedBy(gateway, feature)
  const elapsed = performance.now() - since
  t.equal(seen, side, `${feature} served by ${side} ${elapsed.toFixed(0)} ms after the change (bound ${boundMs} ms)`)
}

t.test('two gateways on a Redis Cluster: rollbacks propagate, a failover loses no override', async (t) => {
  if (!requireRedisCluster(t)) return
  const cluster = await startRedisCluster(t, { masters: 3, replicasPerMaster: 1 })
  const prefix = uniquePrefix('cluster-failover')
  const env = { REDIS_CLUSTER_NODES: cluster.nodesSetting, GATEWAY_REDIS_PREFIX: prefix }

  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(() => legacy.close())
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(() => candidate.close())
  const features = ['chat', 'watch', 'scenario', 'quiz']
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: Object.fromEntries(features.map((f) => [f, { enabled: true, canary: 100 }])),
    routes: features.map((f) => ({ path: `/api/${f}/*`, feature: f }))
  }))
  const a = await startClusterGateway(t, config, env)
  const b = await startClusterGateway(t, config, env)
  for (const gateway of [a, b]) for (const f of features) t.equal(await servedBy(gateway, f), 'new')

  let sent = performance.now()
  t.equal(await admin(a, 'POST', '/rollback/chat'), 200)
  await reaches(t, b, 'chat', 'legacy', sent, PROPAGATION_BOUND_MS)

  t.equal(await admin(b, 'PUT', '/flags/watch', { enabled: false }), 200)
  await reaches(t, a, 'watch', 'legacy', performance.now(), PROPAGATION_BOUND_MS)

  // Fail over the master that holds the overrides' slot to its replica.
  const hashKey = `${clusterKeyPrefix(cluster.target, prefix)}overrides`
  const { from, to } = await cluster.failover(hashKey)
  t.not(from, to, `the overrides' master moved from ${from} to ${to}`)

  t.same(Object.keys(await cluster.client.hgetall(hashKey)).sort(), ['chat', 'watch'], 'the new master holds both overrides')
  for (const gateway of [a, b]) {
    await (gateway.app.gateway.overrides as RedisOverrideStore).resync()
    t.equal(await servedBy(gateway, 'chat'), 'legacy', 'chat is still rolled back after a reload from the cluster')
    t.equal(await servedBy(gateway, 'watch'), 'legacy', 'watch is still off')
    t.equal(await servedBy(gateway, 'scenario'), 'new')
  }
  const late = await startClusterGateway(t, config, env)
  t.equal(await servedBy(late, 'chat'), 'legacy', 'a gateway started after the failover starts with the overrides')
  t.equal(await servedBy(late, 'watch'), 'legacy')

  sent = performance.now()
  t.equal(await admin(b, 'POST', '/rollback/scenario'), 200, 'a rollback after the failover is written')
  await reaches(t, a, 'scenario', 'legacy', sent, PROPAGATION_BOUND_MS)
  await reaches(t, late, 'scenario', 'legacy', sent, PROPAGATION_BOUND_MS)

  // Now kill the master that holds the overrides; its replica (the master before) takes over.
  const killed = await cluster.killMaster(hashKey)
  t.equal(killed.to, from, `the master on ${killed.from} killed, ${killed.to} took over`)
  t.same(Object.keys(await cluster.client.hgetall(hashKey)).sort(), ['chat', 'scenario', 'watch'], 'the surviving master holds every override')
  for (const gateway of [a, b, late]) {
    for (const f of ['chat', 'watch', 'scenario']) t.equal(await servedBy(gateway, f), 'legacy', `${f} still off after the kill`)
    t.equal(await servedBy(gateway, 'quiz'), 'new')
  }
  sent = performance.now()
  t.equal(await admin(a, 'POST', '/rollback/quiz'), 200, 'a rollback after the kill is written')
  await reaches(t, b, 'quiz', 'legacy', sent, PROPAGATION_BOUND_MS)
  await reaches(t, late, 'quiz', 'legacy', sent, PROPAGATION_BOUND_MS)
})
