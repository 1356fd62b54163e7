import { Redis } from 'ioredis'
import t from 'tap'
import { createRedisSessionStore } from '../../../legacy-adapter/session/redis-store.js'
import { msgpackCodec } from '../../../legacy-adapter/session/value-codec.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../helpers/requirements.js'

async function setup (t: { teardown: (fn: () => Promise<void>) => void }): Promise<{ redis: Redis, prefix: string }> {
  const prefix = uniquePrefix('redis-store')
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(prefix + '*')
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  return { redis, prefix }
}

t.test('save, load and delete under the prefix, as pickle protocol 4 with the lifetime as TTL', async (t) => {
  if (!await requireRedis(t)) return
  const { redis, prefix } = await setup(t)
  const store = createRedisSessionStore({ redis, keyPrefix: prefix, ttlSeconds: 3600 })
  t.equal(await store.load('nobody'), null)
  await store.save('sid-1', { chat_history: [{ human: 'やあ', ai: 'どうも' }], n: 1 })
  t.equal(store.keyFor('sid-1'), prefix + 'sid-1')
  const raw = await redis.getBuffer(prefix + 'sid-1')
  t.strictSame([...(raw ?? Buffer.alloc(0)).subarray(0, 2)], [0x80, 4], 'pickle protocol 4 as Flask-Session writes to Redis')
  const ttl = await redis.ttl(prefix + 'sid-1')
  t.ok(ttl > 3000 && ttl <= 3600, 'TTL is the session lifetime')
  t.strictSame(await store.load('sid-1'), { chat_history: [{ human: 'やあ', ai: 'どうも' }], n: 1 })
  await store.delete('sid-1')
  t.equal(await store.load('sid-1'), null)
  t.equal(await redis.exists(prefix + 'sid-1'), 0)
})

t.test('concurrent updates never lose one another\'s changes', async (t) => {
  if (!await requireRedis(t)) return
  const { redis, prefix } = await setup(t)
  const store = createRedisSessionStore({ redis, keyPrefix: prefix, maxUpdateAttempts: 100 })
  const writers = 20
  await Promise.all(Array.from({ length: writers }, async (_, i) => await store.update('shared', (s) => ({
    ...s, counter: (s.counter as number | undefined ?? 0) + 1, [`writer_${i}`]: true
  }))))
  const final = await store.load('shared') as Record<string, unknown>
  t.equal(final.counter, writers, 'every increment counted')
  for (let i = 0; i < writers; i++) t.equal(final[`writer_${i}`], true)
})

t.test('an update that keeps losing the race gives up with LA_ERR_SESSION_CONFLICT', async (t) => {
  if (!await requireRedis(t)) return
  const { redis, prefix } = await setup(t)
  const store = createRedisSessionStore({ redis, keyPrefix: prefix, maxUpdateAttempts: 3 })
  await store.save('busy', { v: 0 })
  let calls = 0
  // Same connection, so this write reaches Redis before the store's compare-and-set does.
  await t.rejects(store.update('busy', (s) => { calls++; store.save('busy', { v: calls }).catch(() => {}); return { ...s, mine: true } }), { code: 'LA_ERR_SESSION_CONFLICT' })
  t.equal(calls, 3)
  t.notOk('mine' in (await store.load('busy') ?? {}), 'nothing half-written')
})

t.test('a stored value that is not safe plain data is refused and left alone', async (t) => {
  if (!await requireRedis(t)) return
  const { redis, prefix } = await setup(t)
  const store = createRedisSessionStore({ redis, keyPrefix: prefix })
  // pickle.dumps(obj whose __reduce__ is (os.system, ('true',)), 4), made once by CPython 3.11
  const evil = Buffer.from('8004951f000000000000008c05706f736978948c0673797374656d9493948c047472756594859452942e', 'hex')
  await redis.set(prefix + 'evil', evil)
  await t.rejects(store.load('evil'), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE', message: /STACK_GLOBAL/ })
  await t.rejects(store.update('evil', () => ({ replaced: true })), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE' })
  t.strictSame(await redis.getBuffer(prefix + 'evil'), evil)
})

t.test('msgpack codec and a store-owned client from a URL', async (t) => {
  if (!await requireRedis(t)) return
  const { redis, prefix } = await setup(t)
  const store = createRedisSessionStore({ url: REDIS_URL, keyPrefix: prefix, codec: msgpackCodec })
  await store.save('m', { a: [1, '二'] })
  t.equal((await redis.getBuffer(prefix + 'm'))?.[0], 0x81, 'a msgpack fixmap of one entry')
  t.strictSame(await store.load('m'), { a: [1, '二'] })
  await store.close()
  t.throws(() => createRedisSessionStore({}), { code: 'LA_ERR_SESSION_CONFIG' })
  t.throws(() => createRedisSessionStore({ redis, ttlSeconds: 0 }), { code: 'LA_ERR_SESSION_CONFIG' })
})
