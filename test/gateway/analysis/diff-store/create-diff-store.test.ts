import { Redis } from 'ioredis'
import t from 'tap'
import { createDiffStore } from '../../../../gateway/analysis/diff-store/create-diff-store.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { sampleRecord } from './helpers.js'

t.test('no Redis configured: the in-memory store, with the configured cap', async (t) => {
  const store = createDiffStore({ config: { maxRecordsPerRoute: 2, ttlSeconds: 60, keyPrefix: 'x:' }, redis: null })
  t.teardown(() => store.close())
  for (let i = 0; i < 3; i++) await store.record(sampleRecord())
  t.equal(store.stats().backend, 'memory')
  t.equal((await store.list()).records.length, 2)
})

t.test('REDIS_URL set: Redis under <keyPrefix>diffs:', async (t) => {
  if (!await requireRedis(t)) return
  const keyPrefix = uniquePrefix('create-diff-store')
  const store = createDiffStore({ config: { maxRecordsPerRoute: 2, ttlSeconds: 60, keyPrefix }, redis: REDIS_URL })
  const check = new Redis(REDIS_URL)
  t.teardown(async () => {
    await store.close()
    const keys = await check.keys(`${keyPrefix}*`)
    if (keys.length > 0) await check.del(...keys)
    await check.quit()
  })
  for (let i = 0; i < 100 && !store.stats().connected; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  await store.record(sampleRecord())
  t.equal(store.stats().backend, 'redis')
  t.equal(await check.llen(`${keyPrefix}diffs:records:chat:/api/chat`), 1)
})
