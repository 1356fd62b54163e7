import t from 'tap'
import { Redis } from 'ioredis'
import { createRedisRecorder } from '../../../../gateway/analysis/report/redis-recorder.js'
import { summariseWindow } from '../../../../gateway/analysis/report/summarise-window.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'

t.test('two replicas share their counts through Redis, with a TTL on every key', async (t) => {
  if (!await requireRedis(t)) return
  const redis = new Redis(REDIS_URL)
  const prefix = uniquePrefix('report-recorder')
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  const one = createRedisRecorder({ redis, keyPrefix: prefix, flushIntervalMs: 60_000 })
  const two = createRedisRecorder({ redis, keyPrefix: prefix, flushIntervalMs: 60_000 })
  t.teardown(async () => { await one.close(); await two.close() })

  const now = Date.now()
  for (let i = 0; i < 30; i++) {
    one.recordLive('chat', 'old', { latencyMs: 20, status: 200 }, now)
    two.recordLive('chat', 'new', { latencyMs: 40, status: i % 10 === 0 ? 500 : 200 }, now)
    two.recordShadowPair({ feature: 'chat', legacy: { latencyMs: 20, status: 200 }, candidate: { latencyMs: 40, status: 200 }, different: i % 3 === 0 }, now)
  }
  await two.flush()
  const figures = summariseWindow(await one.read('chat', 15, now))
  t.equal(figures.live.old.requests, 30, "replica one's own counts")
  t.equal(figures.live.new.requests, 30, "replica two's counts, through Redis")
  t.equal(figures.live.new.errors, 3)
  t.equal(figures.shadow.pairs, 30)
  t.equal(figures.shadow.different, 10)
  t.ok(Math.abs((figures.live.new.p50Ms ?? 0) - 40) < 4, `p50 ${figures.live.new.p50Ms}`)

  const keys = await redis.keys(`${prefix}*`)
  t.equal(keys.length, 1, 'one hash per feature and minute')
  const ttl = await redis.ttl(keys[0])
  t.ok(ttl > 0 && ttl <= 62 * 60, `expires (${ttl} s)`)
})

t.test('an unreachable Redis drops and counts batches, never throws at the caller', async (t) => {
  const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
  t.teardown(() => redis.disconnect())
  let reported = 0
  const recorder = createRedisRecorder({ redis, keyPrefix: 'unused:', flushIntervalMs: 60_000, onError: (_err, n) => { reported += n } })
  recorder.recordLive('chat', 'old', { latencyMs: 1, status: 200 })
  await recorder.close()
  t.ok(recorder.dropped() > 0)
  t.equal(reported, recorder.dropped())
})
