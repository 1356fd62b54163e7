/**
 * The controller alerts an automatic rollback where it is applied, once: a holder that dies
 * after its rollback decision (and after the override write, before marking it applied) sends
 * nothing; the replica that takes the lock over applies it and sends the one alert, saying it
 * rolled back from the step's override. Driven tick by tick, two controllers on one Redis.
 */
import pino from 'pino'
import { Registry } from 'prom-client'
import t from 'tap'
import type { RollbackNotice } from '../../../../gateway/control-plane/alerts/rollback-alert.js'
import { createMemoryRecorder } from '../../../../gateway/analysis/report/memory-recorder.js'
import type { ReportContext } from '../../../../gateway/control-plane/report/build-report.js'
import { createRedisLock } from '../../../../gateway/control-plane/rollout/controller-lock.js'
import { createRolloutController } from '../../../../gateway/control-plane/rollout/controller.js'
import { createRedisStateStore } from '../../../../gateway/control-plane/rollout/redis-state-store.js'
import { createRolloutMetrics } from '../../../../gateway/control-plane/rollout/rollout-metrics.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { DEFAULT_VERDICT_THRESHOLDS } from '../../../../gateway/core/config/verdict-thresholds.js'
import { createConfigHolder } from '../../../../gateway/data-plane/config-holder.js'
import { createMemoryOverrideStore, type OverrideStore } from '../../../../gateway/data-plane/overrides/override-store.js'
import { redisFor } from '../rollout/redis-fixture.js'
import { rolloutRoutesYaml, testPlan } from '../rollout/rollout-harness.js'

t.test('a holder dies mid-rollback: the next holder applies it and sends the one alert', async (t) => {
  const setup = await redisFor(t, 'alerts-controller')
  if (setup === undefined) return
  const { redis, prefix } = setup
  const log = pino({ level: 'silent' })
  const config = parseRoutesConfig(rolloutRoutesYaml('http://127.0.0.1:1', 'http://127.0.0.1:2', 'chat', testPlan({ steps: [10, 100], bakeMs: 60_000 })))
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
  const sent: Record<string, RollbackNotice[]> = { 'replica-a': [], 'replica-b': [] }
  const controller = (replicaId: string, flags: OverrideStore) => createRolloutController({
    holder,
    overrides: flags,
    store,
    lock: createRedisLock({ redis, key: lockKey, token: replicaId }),
    report,
    metrics: createRolloutMetrics(new Registry()),
    log,
    replicaId,
    alerts: { rollback: (notice) => { sent[replicaId].push(notice) }, handoffFailed () {} }
  })

  // A writes the rollback's override, then dies before marking it applied.
  const dying: OverrideStore = { ...overrides, set: async (feature, value) => { await overrides.set(feature, value); throw new Error('process killed here') } }
  const a = controller('replica-a', dying)
  const b = controller('replica-b', overrides)
  t.teardown(async () => { await a.stop(); await b.stop() })
  await overrides.set('chat', { enabled: true, canary: 10 })
  const now = Date.now()
  await store.write({
    feature: 'chat',
    status: 'running',
    steps: [10, 100],
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
    recorder.recordLive('chat', 'new', { latencyMs: 5, status: 500 })
  }

  await a.tick()
  t.match(await store.get('chat'), { status: 'rolled_back', applied: false }, 'A decided the rollback ...')
  t.same(overrides.get('chat'), { enabled: false, canary: 0 }, '... wrote the override ...')
  t.equal(sent['replica-a'].length, 0, '... and died before it could alert')

  await b.tick()
  t.equal(b.isLeader(), false, 'B waits while A\'s lock lives')
  t.equal(sent['replica-b'].length, 0, 'and sends nothing: it is not the holder')
  await redis.del(lockKey) // A's lock expiring
  await b.tick()
  t.equal(b.isLeader(), true)
  t.match(await store.get('chat'), { status: 'rolled_back', applied: true }, 'B applied the rollback')
  await b.tick()
  await b.tick()
  t.equal(sent['replica-b'].length, 1, 'B alerted it once')
  t.equal(sent['replica-a'].length, 0)
  t.match(sent['replica-b'][0], {
    record: { action: 'rollout.rollback', feature: 'chat', who: { tokenId: null, remoteAddress: 'rollout-controller replica-b' }, before: { enabled: true, canary: 10 }, after: { enabled: false, canary: 0 } },
    by: 'rollout-controller',
    step: 'canary 10%',
    why: /^the verdict is not_ready and automatic rollback is on: /,
    gates: ['error_rate']
  }, 'rolled back from the step\'s override, though B found the flag already off')
})
