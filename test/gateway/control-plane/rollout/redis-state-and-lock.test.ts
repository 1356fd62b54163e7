/** The Redis pieces of the rollout: the controller lock and the fenced, versioned state write. */
import t from 'tap'
import { createRedisLock } from '../../../../gateway/control-plane/rollout/controller-lock.js'
import { createRedisStateStore } from '../../../../gateway/control-plane/rollout/redis-state-store.js'
import type { RolloutState } from '../../../../gateway/control-plane/rollout/rollout-state.js'
import { redisFor } from './redis-fixture.js'
import { sleep } from './rollout-harness.js'

const state = (stepIndex: number): RolloutState => ({
  feature: 'chat',
  status: 'running',
  steps: [10, 50, 100],
  stepIndex,
  applied: false,
  stepEnteredAt: null,
  baseline: null,
  readySince: null,
  dryRun: false,
  startedAt: 1,
  updatedAt: 1,
  reason: null,
  last: null,
  version: 0
})

t.test('lock: one holder at a time, extended and released only by its holder, free again once expired', async (t) => {
  const setup = await redisFor(t, 'rollout-lock')
  if (setup === undefined) return
  const key = `${setup.prefix}rollout:lock`
  const a = createRedisLock({ redis: setup.redis, key, token: 'replica-a' })
  const b = createRedisLock({ redis: setup.redis, key, token: 'replica-b' })
  t.equal(await a.acquire(300), true, 'a takes it')
  t.equal(await b.acquire(300), false, 'b cannot while a holds it')
  t.equal(await a.acquire(300), true, 'a extends it')
  t.equal(await b.holder(), 'replica-a')
  await b.release()
  t.equal(await a.holder(), 'replica-a', 'b cannot release a\'s lock')
  await sleep(400)
  t.equal(await b.acquire(300), true, 'once a stops renewing it expires and b takes it')
  t.equal(await a.acquire(300), false, 'a, back, finds it taken and does not extend b\'s lock')
  await b.release()
  t.equal(await a.holder(), null, 'released')
})

t.test('state: compare-and-set on the version, fenced by the lock, audit entry in the same write', async (t) => {
  const setup = await redisFor(t, 'rollout-state')
  if (setup === undefined) return
  const { redis, prefix } = setup
  const lockKey = `${prefix}rollout:lock`
  const store = createRedisStateStore({ redis, keyPrefix: prefix, lockKey })
  const entry = { at: 'now', who: { tokenId: null, remoteAddress: 'test' }, action: 'rollout.promote' as 'reload', feature: 'chat', before: null, after: null }

  t.equal(await store.write(state(0), 0), 'written')
  t.equal(await store.write(state(1), 0), 'conflict', 'a stale version is refused')
  t.match(await store.get('chat'), { stepIndex: 0, version: 1 })

  await redis.set(lockKey, 'replica-a')
  t.equal(await store.write(state(1), 1, { fence: 'replica-b', audit: entry }), 'lock_lost', 'a replica that lost the lock cannot write')
  t.equal(await redis.llen(`${prefix}audit`), 0, 'nor its audit entry')
  t.equal(await store.write(state(1), 1, { fence: 'replica-a', audit: entry }), 'written', 'the holder can')
  t.match(await store.get('chat'), { stepIndex: 1, version: 2 })
  t.match(JSON.parse(await redis.lindex(`${prefix}audit`, 0) ?? 'null'), { action: 'rollout.promote' }, 'with its audit entry')
  t.equal(await store.get('watch'), null)
})
