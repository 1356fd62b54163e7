/**
 * Two gateway processes share Redis; the one holding the controller lock is killed (SIGKILL)
 * mid-rollout. The other takes the lock once it expires and continues from the same step: the
 * shared audit trail shows every step promoted exactly once, in order, by both replicas.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { REDIS_URL } from '../../../helpers/requirements.js'
import { redisFor } from './redis-fixture.js'
import { admin, rolloutRoutesYaml, startBackend, startTraffic, testPlan, waitFor } from './rollout-harness.js'
import { spawnRolloutReplica, type RolloutReplica } from './spawn-rollout-replica.js'

const TOKEN = 'rollout-takeover-token'
const STEPS = [10, 20, 30, 40, 50, 100]

t.test('killing the lock holder mid-rollout: the other replica continues without skipping or repeating a step', async (t) => {
  const setup = await redisFor(t, 'rollout-takeover')
  if (setup === undefined) return
  // The report's Redis counters are keyed by feature, not by the gateway's prefix: a feature of this run's own.
  const feature = `takeover_${process.pid}_${Math.random().toString(36).slice(2, 6)}`
  const legacy = await startBackend()
  t.teardown(legacy.close)
  const candidate = await startBackend()
  t.teardown(candidate.close)
  const dir = await mkdtemp(join(tmpdir(), 'sg-rollout-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const routesFile = join(dir, 'routes.yaml')
  await writeFile(routesFile, rolloutRoutesYaml(legacy.url, candidate.url, feature, testPlan({ steps: STEPS, bakeMs: 300, intervalMs: 100 })))

  const env = { ROUTES_FILE: routesFile, REDIS_URL, GATEWAY_REDIS_PREFIX: setup.prefix, GATEWAY_ADMIN_TOKEN: TOKEN }
  const replicas: RolloutReplica[] = await Promise.all([spawnRolloutReplica(env), spawnRolloutReplica(env)])
  for (const replica of replicas) t.teardown(() => replica.kill())
  let alive = replicas
  const traffic = startTraffic(() => alive.map((r) => r.url), { concurrency: 4 })
  t.teardown(traffic.stop)
  const call = async (replica: RolloutReplica, method: 'GET' | 'POST', path: string): Promise<any> => (await admin(replica.url, method, path, undefined, TOKEN)).body

  t.match(await call(replicas[1], 'POST', `/admin/rollouts/${feature}/start`), { status: 'running', step: 'canary 10%' }, 'started through the replica that may not hold the lock')
  const atKill = await waitFor('the rollout to reach 30%', async () => {
    const view = await call(replicas[0], 'GET', `/admin/rollouts/${feature}`)
    return view.stepIndex >= 2 && view.controller.holder !== null ? view : undefined
  }, 60_000)
  const holder = replicas.find((r) => r.replicaId === atKill.controller.holder)
  const survivor = replicas.find((r) => r !== holder)
  if (holder === undefined || survivor === undefined) throw new Error(`no replica holds the lock: ${JSON.stringify(atKill.controller)}`)
  alive = [survivor]
  await holder.kill('SIGKILL')
  const killedAt = Date.now()
  t.comment(`killed the lock holder at ${atKill.step} (step ${atKill.stepIndex})`)

  await waitFor('the survivor to take the lock', async () => (await call(survivor, 'GET', '/admin/rollouts')).controller.leader === true ? true : undefined, 30_000, 20)
  const takeoverMs = Date.now() - killedAt
  const done = await waitFor('the rollout to finish on the survivor', async () => {
    const view = await call(survivor, 'GET', `/admin/rollouts/${feature}`)
    if (view.status !== 'running') return view
  }, 90_000)
  await traffic.stop()
  t.equal(done.status, 'done', JSON.stringify(done.reason))
  t.ok(takeoverMs <= done.controller.lockTtlMs + 2_000, `the survivor took the lock ${takeoverMs} ms after the kill (lock TTL ${done.controller.lockTtlMs} ms)`)

  const audit = (await call(survivor, 'GET', `/admin/audit?feature=${feature}&limit=1000`)).entries.reverse()
  const promotions = audit.filter((e: any) => e.action === 'rollout.promote')
  t.same(promotions.map((e: any) => [e.before.step, e.after.step]), STEPS.slice(0, -1).map((step, i) => [step, STEPS[i + 1]]), 'every step promoted exactly once, in order')
  const by = new Set(promotions.map((e: any) => e.who.remoteAddress))
  t.same([...by].sort(), [holder, survivor].map((r) => `rollout-controller ${r.replicaId}`).sort(), 'promotions by both replicas: before and after the kill')
  t.equal(audit.filter((e: any) => e.action === 'rollout.done').length, 1, 'done once')
  t.match((await call(survivor, 'GET', `/admin/flags/${feature}`)), { enabled: true, canary: 100 })
})
