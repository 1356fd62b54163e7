/**
 * Every Redis-backed part of the gateway on a real 3-master Redis Cluster, opened from
 * REDIS_CLUSTER_NODES the way server.ts opens it: overrides with pub/sub, the audit trail, the
 * diff store, the report recorder, known differences, rollout state and lock, and stateful
 * shadows' snapshots (the gateway writes them, the new services read them). The prefix given is
 * GATEWAY_REDIS_PREFIX without a hash tag, as a gateway moving from one Redis would have it. The
 * nodes require a password (REDIS_CLUSTER_PASSWORD), which no log line may carry.
 */
import pino from 'pino'
import t from 'tap'
import { clusterKeyPrefix, createRedisSnapshotStore, redisTargetFromEnv, resultKey, type RedisTarget } from '@strangler-gateway/flask-session'
import { openSharedState, type SharedState } from '../../../gateway/control-plane/shared-state.js'
import { buildGateway } from '../../../gateway/data-plane/build-gateway.js'
import { registerControlPlane } from '../../../gateway/control-plane/register-control-plane.js'
import { createRedisOverrideStore } from '../../../gateway/data-plane/overrides/redis-override-store.js'
import { createDiffStore } from '../../../gateway/analysis/diff-store/create-diff-store.js'
import type { DiffRecord } from '../../../gateway/analysis/diff-store/diff-store-types.js'
import type { RolloutState } from '../../../gateway/control-plane/rollout/rollout-state.js'
import { parseRoutesConfig } from '../../../gateway/core/config/load-config.js'
import { shadowSnapshotsFromEnv } from '../../../new-services/session/shadow-snapshot.js'
import { routesYaml } from '../../helpers/gateway.js'
import { testPlan } from '../control-plane/rollout/rollout-harness.js'
import { namedUpstream, startServer } from '../../helpers/http-server.js'
import { startRedisCluster } from '../../helpers/redis-cluster.js'
import { requireRedisCluster, uniquePrefix } from '../../helpers/requirements.js'

const PASSWORD = 'cluster-secret-7f3a'
/** Every part logs here; the last subtest reads it. */
const lines: string[] = []
const log = pino({ level: 'debug' }, { write: (line: string) => { lines.push(line) } })
const PROPAGATION_BOUND_MS = 1_000

async function eventually (what: string, check: () => boolean | Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function diffRecord (route: string, verdict: DiffRecord['verdict']): DiffRecord {
  return {
    id: `${route}-${verdict}`,
    time: new Date().toISOString(),
    feature: 'chat',
    route,
    method: 'GET',
    path: route,
    sessionHash: null,
    legacy: { status: 200, latencyMs: 5 },
    candidate: { status: 200, latencyMs: 6 },
    verdict,
    differences: verdict === 'equal' ? [] : [{ kind: 'changed', path: 'a', legacy: 1, candidate: 2 }],
    differenceCount: verdict === 'equal' ? 0 : 1,
    fields: verdict === 'equal' ? [] : ['a'],
    noiseDropped: 0
  }
}

t.test('the gateway\'s Redis state on a Redis Cluster', async (t) => {
  if (!requireRedisCluster(t)) return
  const cluster = await startRedisCluster(t, { masters: 3, password: PASSWORD })
  const prefix = uniquePrefix('cluster')
  const env = { REDIS_CLUSTER_NODES: cluster.nodesSetting, REDIS_CLUSTER_PASSWORD: PASSWORD, GATEWAY_REDIS_PREFIX: prefix }
  const target = redisTargetFromEnv(env) as RedisTarget
  const tagged = clusterKeyPrefix(target, prefix)
  t.equal(tagged, `{${prefix}}`, 'the untagged prefix gets a hash tag')
  const slotOf = async (key: string): Promise<number> => Number(await cluster.client.cluster('KEYSLOT', key))

  t.test('an untagged prefix taken as is cannot work: its keys fall in different slots', async (t) => {
    const untagged = 'sgtest:untagged:'
    t.not(await slotOf(`${untagged}overrides`), await slotOf(`${untagged}overrides:version`))
    const store = createRedisOverrideStore({ target, keyPrefix: untagged, log, resyncIntervalMs: 0 })
    t.teardown(() => store.close())
    await t.rejects(store.ready(), { code: 'GW_ERR_OVERRIDES_UNAVAILABLE' })
  })

  t.test('overrides reach another replica through pub/sub; the audit trail is shared', async (t) => {
    const replicas: SharedState[] = [await openSharedState({ env, log }), await openSharedState({ env, log })]
    t.teardown(async () => { for (const r of replicas) { await r.overrides.close(); await r.audit.close() } })
    const [a, b] = replicas
    t.ok(a.shared && b.shared)
    await a.overrides.set('chat', { enabled: false, canary: 0 })
    await eventually('the override on B', () => b.overrides.get('chat')?.enabled === false, PROPAGATION_BOUND_MS)
    t.same(b.overrides.get('chat'), { enabled: false, canary: 0 })
    t.same(JSON.parse(await cluster.client.hget(`${tagged}overrides`, 'chat') ?? 'null'), { enabled: false, canary: 0 },
      'stored under the tagged prefix')

    await a.audit.record({ at: new Date().toISOString(), who: { tokenId: null, remoteAddress: '127.0.0.1' }, action: 'rollback', feature: 'chat', before: null, after: { enabled: false } })
    t.match(await b.audit.list(), [{ action: 'rollback', feature: 'chat' }])
    t.ok(lines.some((line) => line.includes(`"redis":"cluster ${cluster.nodesSetting}"`) && line.includes(tagged)),
      'the log names the cluster and the prefix in use')
  })

  t.test('the diff store records, lists and sums up across its keys', async (t) => {
    const store = createDiffStore({ config: { maxRecordsPerRoute: 5, ttlSeconds: 60, keyPrefix: prefix }, redis: target, log })
    t.teardown(() => store.close())
    await eventually('the diff store connected', () => store.stats().connected, 10_000)
    await store.record(diffRecord('/api/a', 'different'))
    await store.record(diffRecord('/api/b', 'different'))
    await store.record(diffRecord('/api/b', 'equal'))
    t.match(store.stats(), { backend: 'redis', recordsWritten: 3, recordsDropped: 0, lastError: null })
    const listed = await store.list({ feature: 'chat' })
    t.same(listed.records.map((r) => r.route).sort(), ['/api/a', '/api/b'])
    const summary = await store.summary()
    t.match(summary, { routes: [{ route: '/api/a' }, { route: '/api/b' }] })
    t.equal(await cluster.client.scard(`{${prefix}diffs:}routes`), 2, 'under the diff prefix, hash-tagged')
  })

  t.test('the control plane: report counters, known differences, rollout state and lock', async (t) => {
    const legacy = await startServer(namedUpstream('legacy'))
    t.teardown(() => legacy.close())
    const candidate = await startServer(namedUpstream('new'))
    t.teardown(() => candidate.close())
    const config = parseRoutesConfig(routesYaml({
      legacy: legacy.url,
      new: candidate.url,
      // A plan, so the rollout controllers contend for the lock.
      features: { chat: { enabled: true, canary: 0, rollout: testPlan({ steps: [10], bakeMs: 600_000 }) } },
      routes: [{ path: '/api/chat/*', feature: 'chat' }]
    }))
    const apps = []
    for (const replicaId of ['replica-a', 'replica-b']) {
      const shared = await openSharedState({ env, log })
      const app = await buildGateway({ config, env: {}, overrides: shared.overrides, redis: target, logger: log })
      await registerControlPlane(app, { adminToken: undefined, audit: shared.audit, redis: target, keyPrefix: prefix, replicaId, env: {} })
      t.teardown(async () => { await app.close(); await shared.audit.close() })
      await app.ready()
      apps.push(app)
    }
    const [a, b] = apps

    a.latencyRecorder.recordLive('chat', 'old', { latencyMs: 12, status: 200 })
    await a.latencyRecorder.read('chat', 1) // flushes A's pending counts
    const minutes = await b.latencyRecorder.read('chat', 1)
    t.equal(minutes.length, 1, 'B reads the minute A counted')
    t.ok(Object.values(minutes[0].fields).some((n) => n > 0))

    const known = await a.knownDifferences.add({ feature: 'chat', route: '/api/chat/*', path: 'a', kind: 'changed', reason: 'accepted', expiresAt: null, acceptedBy: null })
    t.same(a.knownDifferences.list().map((k) => k.id), [known.id], 'read back from the cluster')
    t.ok(await cluster.client.hexists(`${tagged}known-diffs`, known.id))

    await eventually('a rollout controller holding the lock', async () => (await a.rollout.describeController()).holder !== null, 10_000)
    const holder = (await a.rollout.describeController()).holder as string
    t.equal((await b.rollout.describeController()).holder, holder, 'both replicas see one holder')
    // A feature of its own: the controller may be driving chat's rollout meanwhile.
    const now = Date.now()
    const state: RolloutState = {
      feature: 'other',
      status: 'paused',
      steps: [10],
      stepIndex: 0,
      applied: false,
      stepEnteredAt: null,
      baseline: null,
      readySince: null,
      dryRun: true,
      startedAt: now,
      updatedAt: now,
      reason: 'test',
      last: null,
      version: 0
    }
    const other = holder === 'replica-a' ? 'replica-b' : 'replica-a'
    t.equal(await a.rollout.store.write(state, 0, { fence: other }), 'lock_lost', 'a write fenced by a lock not held is refused')
    const entry = { at: new Date().toISOString(), who: { tokenId: null, remoteAddress: '127.0.0.1' }, action: 'rollout.pause' as const, feature: 'other', before: null, after: null }
    t.equal(await a.rollout.store.write(state, 0, { fence: holder, audit: entry }), 'written', 'state, lock and audit list in one script')
    t.match(await b.rollout.store.get('other'), { feature: 'other', status: 'paused', version: 1 })
    t.equal(await b.rollout.store.write(state, 0), 'conflict', 'the version check holds across replicas')
    t.match(await b.adminAudit.list({ feature: 'other' }), [{ action: 'rollout.pause' }])
  })

  t.test('stateful snapshots: written by the gateway, read and answered by the new services, deleted key by key', async (t) => {
    const snapshotPrefix = `${prefix}snapshot:`
    const gatewaySide = createRedisSnapshotStore({ target, keyPrefix: snapshotPrefix })
    const newSide = shadowSnapshotsFromEnv({ REDIS_CLUSTER_NODES: cluster.nodesSetting, REDIS_CLUSTER_PASSWORD: PASSWORD, SHADOW_SNAPSHOT_PREFIX: snapshotPrefix })
    t.teardown(async () => { await gatewaySide.close(); await newSide?.close() })
    t.ok(newSide, 'the new services find the cluster in REDIS_CLUSTER_NODES')
    // A key whose result lands in another slot, so a single DEL of both would be refused.
    let key = ''
    for (let i = 0; key === '' || await slotOf(snapshotPrefix + key) === await slotOf(snapshotPrefix + resultKey(key)); i++) key = `req-${i}.abc`
    await gatewaySide.put(key, Buffer.from('before'), 10_000)
    t.equal((await newSide?.store.get(key))?.toString(), 'before')
    await newSide?.store.put(resultKey(key), Buffer.from('after'), 10_000)
    t.equal((await gatewaySide.get(resultKey(key)))?.toString(), 'after')
    await gatewaySide.delete([key, resultKey(key)])
    t.equal(await gatewaySide.get(key), null)
    t.equal(await gatewaySide.get(resultKey(key)), null)
  })

  t.test('no log line carries the cluster password', async (t) => {
    t.ok(lines.length > 0, `${lines.length} log lines written`)
    t.same(lines.filter((line) => line.includes(PASSWORD)), [])
  })
})
