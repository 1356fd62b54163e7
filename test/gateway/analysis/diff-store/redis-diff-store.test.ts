import { Redis } from 'ioredis'
import t from 'tap'
import { createRedisDiffStore, diffStoreRedisOptions } from '../../../../gateway/analysis/diff-store/redis-diff-store.js'
import type { DiffStore } from '../../../../gateway/analysis/diff-store/diff-store-types.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { sampleRecord } from './helpers.js'

async function until (check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
}

async function deleteKeys (redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(...keys)
}

t.test('records and counters land in Redis, lists stay capped, every key has a TTL', async (t) => {
  if (!await requireRedis(t)) return
  const prefix = uniquePrefix('diff-store')
  const redis = new Redis(REDIS_URL, diffStoreRedisOptions())
  t.teardown(async () => { await deleteKeys(redis, prefix); await redis.quit() })
  await until(() => redis.status === 'ready')
  const store = createRedisDiffStore({ redis, prefix, maxRecordsPerRoute: 3, ttlSeconds: 600 })
  t.teardown(() => store.close())

  for (let i = 0; i < 5; i++) await store.record(sampleRecord({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }))
  await store.record(sampleRecord({ verdict: 'equal' }))
  await store.countOutcome('chat', '/api/chat', 'dropped')

  t.equal(await redis.llen(`${prefix}records:chat:/api/chat`), 3)
  t.same(await redis.hgetall(`${prefix}outcomes:chat:/api/chat`), { different: '5', equal: '1', dropped: '1' })
  t.same(await redis.hgetall(`${prefix}fields:chat:/api/chat`), { response: '5' })
  const keys = await redis.keys(`${prefix}*`)
  t.equal(keys.length, 4)
  for (const key of keys) {
    const ttl = await redis.ttl(key)
    t.ok(ttl > 0 && ttl <= 600, `${key} expires (ttl ${ttl})`)
  }
  const stored = await redis.lrange(`${prefix}records:chat:/api/chat`, 0, -1)
  t.equal(stored.join('\n').includes('raw-session-id-123'), false, 'no raw session id in Redis')

  await redis.lpush(`${prefix}records:chat:/api/chat`, '{not json', '"a string"')
  await redis.sadd(`${prefix}routes`, JSON.stringify(['chat', '/api/expired']))
  const page = await store.list({ limit: 2 })
  t.same(page.records.map((r) => r.time.slice(17, 19)), ['04', '03'])
  t.equal(page.nextOffset, 2)
  t.equal((await store.list()).records.length, 3, 'unreadable rows are skipped')
  t.same((await store.list({ kind: 'status' })).records, [])
  t.match((await store.summary()).routes, [{ feature: 'chat', route: '/api/chat', compared: 6, different: 5, equal: 1, dropped: 1 }])
  t.match(store.stats(), { backend: 'redis', recordsWritten: 6, countersWritten: 1, recordsDropped: 0, connected: true })
})

t.test('two gateways writing to one Redis: the summary adds both', async (t) => {
  if (!await requireRedis(t)) return
  const prefix = uniquePrefix('diff-store-two')
  const stores: DiffStore[] = [createRedisDiffStore({ redis: REDIS_URL, prefix }), createRedisDiffStore({ redis: REDIS_URL, prefix })]
  const admin = new Redis(REDIS_URL)
  t.teardown(async () => {
    for (const s of stores) await s.close()
    await deleteKeys(admin, prefix)
    await admin.quit()
  })
  await until(() => stores.every((s) => s.stats().connected))

  await stores[0].record(sampleRecord({ verdict: 'equal' }))
  await stores[0].record(sampleRecord())
  await stores[1].record(sampleRecord())
  await stores[1].record(sampleRecord({ feature: 'watch', route: '/api/watch/*' }))
  await stores[1].countOutcome('chat', '/api/chat', 'too_large')

  for (const store of stores) {
    const s = await store.summary()
    t.match(s.routes.find((r) => r.route === '/api/chat'), { compared: 3, equal: 1, different: 2, tooLarge: 1 })
    t.match(s.features, { chat: { compared: 3 }, watch: { compared: 1, different: 1 } })
    t.equal((await store.list()).records.length, 3)
  }
})
