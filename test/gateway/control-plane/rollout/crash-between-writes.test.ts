/**
 * A replica that dies between writing a promotion to the shared state and writing the flag
 * override: the replica that takes the lock over applies the step it finds in the state, once,
 * and does not promote again. Driven tick by tick, with two controllers on one Redis.
 */
import pino from 'pino'
import t from 'tap'
import { createConfigHolder } from '../../../../gateway/data-plane/config-holder.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { createMemoryOverrideStore, type OverrideStore } from '../../../../gateway/data-plane/overrides/override-store.js'
import { createMemoryRecorder } from '../../../../gateway/analysis/report/memory-recorder.js'
import type { ReportContext } from '../../../../gateway/control-plane/report/build-report.js'
import { DEFAULT_VERDICT_THRESHOLDS } from '../../../../gateway/core/config/verdict-thresholds.js'
import { createRedisLock } from '../../../../gateway/control-plane/rollout/controller-lock.js'
import { createRolloutController } from '../../../../gateway/control-plane/rollout/controller.js'
import { createRedisStateStore } from '../../../../gateway/control-plane/rollout/redis-state-store.js'
import { createRolloutMetrics } from '../../../../gateway/control-plane/rollout/rollout-metrics.js'
import { Registry } from 'prom-client'
import { redisFor } from './redis-fixture.js'
import { rolloutRoutesYaml, testPlan } from './rollout-harness.js'

t.test('crash between the state write and the override write: the next holder applies the step once', async (t) => {
  const setup = await redisFor(t, 'rollout-crash')
  if (setup === undefined) return
  const { redis, prefix } = setup
  const log = pino({ level: 'silent' })
  const config = parseRoutesConfig(rolloutRoutesYaml('http://127.0.0.1:1', 'http://127.0.0.1:2', 'chat', testPlan({ steps: [10, 50, 100], bakeMs: 0 })))
  const overrides = createMemoryOverrideStore()
  const holder = createConfigHolder({ config, overrides, env: {}, log })
  t.teardown(() => holder.close())
  const recorder = createMemoryRecorder()
  const lockKey = `${prefix}rollout:lock`
  const store = createRedisStateStore({ redis, keyPrefix: prefix, lockKey })
  const report = (): ReportContext => ({
    snapshot: holder.current(),
    overrides,
    recorder,
    readMemory: async () => ({ status: 'unknown', bytes: null, reason: 'test' }),
    thresholds: DEFAULT_VERDICT_THRESHOLDS
  })
  const controller = (replicaId: string, flags: OverrideStore) => createRolloutController({
    holder, overrides: flags, store, lock: createRedisLock({ redis, key: lockKey, token: replicaId }), report, metrics: createRolloutMetrics(new Registry()), log, replicaId
  })

  // A dies in the middle of its promotion: the override write never happens.
  const dying: OverrideStore = { ...overrides, set: async () => { throw new Error('process killed here') } }
  const a = controller('replica-a', dying)
  const b = controller('replica-b', overrides)
  await overrides.set('chat', { enabled: true, canary: 10 })
  const now = Date.now()
  await store.write({
    feature: 'chat',
    status: 'running',
    steps: [10, 50, 100],
    stepIndex: 0,
    applied: true,
    stepEnteredAt: now - 1_000,
    baseline: {},
    readySince: null,
    dryRun: false,
    startedAt: now - 1_000,
    updatedAt: now - 1_000,
    reason: null,
    last: null,
    version: 0
  }, 0)
  for (let i = 0; i < 30; i++) {
    recorder.recordLive('chat', 'old', { latencyMs: 5, status: 200 })
    recorder.recordLive('chat', 'new', { latencyMs: 5, status: 200 })
  }

  await a.tick()
  t.equal(a.isLeader(), true)
  t.match(await store.get('chat'), { stepIndex: 1, applied: false }, 'A wrote the promotion to 50% ...')
  t.same(overrides.get('chat'), { enabled: true, canary: 10 }, '... but not the override')

  await b.tick()
  t.equal(b.isLeader(), false, 'B waits while A\'s lock lives')
  await redis.del(lockKey) // A's lock expiring
  await b.tick()
  t.equal(b.isLeader(), true, 'B takes the lock')
  t.same(overrides.get('chat'), { enabled: true, canary: 50 }, 'B applies the step in the state: 50%, not 100%')
  t.match(await store.get('chat'), { stepIndex: 1, applied: true, status: 'running' })
  await b.tick()
  t.match(await store.get('chat'), { stepIndex: 1 }, 'and does not promote again on the next tick (the new step has no samples yet)')

  const audit = (await redis.lrange(`${prefix}audit`, 0, -1)).map((raw) => JSON.parse(raw))
  t.same(audit.filter((e) => e.action === 'rollout.promote').map((e) => [e.before.step, e.after.step, e.who.remoteAddress]),
    [[10, 50, 'rollout-controller replica-a']], 'one promotion, recorded by A with its state write')
  await a.stop()
  await b.stop()
  t.equal(await redis.get(lockKey), null, 'B released the lock on stop; A could not release B\'s')
})
