import { Redis } from 'ioredis'
import pino from 'pino'
import t from 'tap'
import { createRedisOverrideStore } from '../../../../gateway/data-plane/overrides/redis-override-store.js'
import type { OverrideChange } from '../../../../gateway/data-plane/overrides/override-store.js'
import { freePort } from '../../../helpers/http-server.js'
import { startTcpCut } from './tcp-cut.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'

const log = pino({ level: 'silent' })

async function until (check: () => boolean, limitMs = 2000): Promise<number> {
  const started = performance.now()
  while (!check()) {
    if (performance.now() - started > limitMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return performance.now() - started
}

t.test('Redis override store', async (t) => {
  if (!await requireRedis(t)) return
  const keyPrefix = uniquePrefix('overrides')
  const admin = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await admin.keys(`${keyPrefix}*`)
    if (keys.length > 0) await admin.del(...keys)
    admin.disconnect()
  })
  const open = async () => {
    const store = createRedisOverrideStore({ target: REDIS_URL, keyPrefix, log })
    t.teardown(() => store.close())
    await store.ready()
    return store
  }

  t.test('a change reaches another replica, persists, and a late replica starts with it', async (t) => {
    const a = await open()
    const b = await open()
    const seen: OverrideChange[] = []
    b.onChange((change) => seen.push(change))
    const change = await a.set('chat', { enabled: false, canary: 0 })
    t.same(change, { feature: 'chat', before: undefined, after: { enabled: false, canary: 0 } })
    t.same(a.get('chat'), { enabled: false, canary: 0 }, 'the writer sees its change at once')
    const ms = await until(() => b.get('chat') !== undefined)
    t.ok(ms < 1000, `propagated in ${ms.toFixed(1)} ms`)
    t.same(seen, [{ feature: 'chat', before: undefined, after: { enabled: false, canary: 0 } }])
    t.same(await admin.hget(`${keyPrefix}overrides`, 'chat'), JSON.stringify({ enabled: false, canary: 0 }))

    const late = await open()
    t.same(late.all(), { chat: { enabled: false, canary: 0 } })
    await b.set('chat', undefined)
    await until(() => a.get('chat') === undefined && late.get('chat') === undefined)
    t.same(a.all(), {})
  })

  t.test('a replica that missed messages catches up on resync; a stale message never wins', async (t) => {
    const a = await open()
    // Written behind the store's back, as if published while it was disconnected.
    await admin.hset(`${keyPrefix}overrides`, 'watch', JSON.stringify({ enabled: true, canary: 5 }))
    await admin.incr(`${keyPrefix}overrides:version`)
    t.equal(a.get('watch'), undefined)
    await a.resync()
    t.same(a.get('watch'), { enabled: true, canary: 5 })
    await admin.publish(`${keyPrefix}overrides:changed`, JSON.stringify({ feature: 'watch', after: { enabled: false }, version: 1 }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    t.same(a.get('watch'), { enabled: true, canary: 5 }, 'an older version is ignored')
    await admin.hset(`${keyPrefix}overrides`, 'junk', 'not json')
    await a.resync()
    t.equal(a.get('junk'), undefined, 'an unreadable value is skipped')
    await admin.hdel(`${keyPrefix}overrides`, 'junk', 'watch')
  })

  t.test('Redis down: reads keep the last state, set fails with a clear error', async (t) => {
    const a = await open()
    await a.set('chat', { enabled: false })
    const down = createRedisOverrideStore({ target: `redis://127.0.0.1:${await freePort()}`, keyPrefix, log })
    t.teardown(() => down.close())
    await t.rejects(down.ready(300), { code: 'GW_ERR_OVERRIDES_UNAVAILABLE' })
    await t.rejects(down.set('chat', { enabled: true }), { code: 'GW_ERR_OVERRIDES_UNAVAILABLE', statusCode: 503 })
    t.equal(down.get('chat'), undefined)
    t.same(a.get('chat'), { enabled: false })
  })
})

t.test('a replica cut off from Redis keeps serving its last state and catches up when back', async (t) => {
  if (!await requireRedis(t)) return
  const keyPrefix = uniquePrefix('overrides-cut')
  const target = new URL(REDIS_URL)
  const link = await startTcpCut({ host: target.hostname, port: Number(target.port || 6379) })
  t.teardown(() => link.close())
  const healthy = createRedisOverrideStore({ target: REDIS_URL, keyPrefix, log })
  const cutOff = createRedisOverrideStore({ target: link.url, keyPrefix, log, resyncIntervalMs: 0 })
  t.teardown(async () => {
    await Promise.all([healthy.close(), cutOff.close()])
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${keyPrefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  await Promise.all([healthy.ready(), cutOff.ready()])
  await healthy.set('chat', { enabled: true, canary: 20 })
  await until(() => cutOff.get('chat') !== undefined)

  await link.cut()
  await healthy.set('chat', { enabled: false, canary: 0 })
  await t.rejects(cutOff.set('watch', { enabled: true }), { code: 'GW_ERR_OVERRIDES_UNAVAILABLE' })
  t.same(cutOff.get('chat'), { enabled: true, canary: 20 }, 'the last known state keeps serving')

  await link.restore()
  await until(() => cutOff.get('chat')?.enabled === false, 5000)
  t.same(cutOff.get('chat'), { enabled: false, canary: 0 }, 'caught up with the change it missed')
})

t.test('closing while the subscription is being restored after a reconnect leaves no unhandled rejection', async (t) => {
  // ioredis re-subscribes after a reconnect with a promise nobody holds (redis/ioredis#2187);
  // a disconnect while that SUBSCRIBE waits for its reply used to surface as an unhandled
  // rejection, which ends a Node process. Redis's replies are held back so the close lands
  // exactly in that window; tap fails the test on any unhandled rejection.
  if (!await requireRedis(t)) return
  const keyPrefix = uniquePrefix('overrides-close')
  const channel = `${keyPrefix}overrides:changed`
  const target = new URL(REDIS_URL)
  const link = await startTcpCut({ host: target.hostname, port: Number(target.port || 6379) })
  const admin = new Redis(REDIS_URL)
  t.teardown(async () => {
    await link.close()
    admin.disconnect()
  })
  const store = createRedisOverrideStore({ target: link.url, keyPrefix, log, resyncIntervalMs: 0 })
  t.teardown(() => store.close())
  await store.ready()
  const subscribers = async (): Promise<number> => {
    const [, count] = await admin.pubsub('NUMSUB', channel) as [string, number]
    return Number(count)
  }
  const subscribersBecome = async (count: number): Promise<void> => {
    const started = performance.now()
    while (await subscribers() !== count) {
      if (performance.now() - started > 5000) throw new Error(`never ${count} subscribers`)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
  t.equal(await subscribers(), 1)

  await link.cut()
  await subscribersBecome(0)
  // Held back long enough for the test to see Redis register the SUBSCRIBE and close in time,
  // and less than close()'s one-second wait for QUIT's answer.
  await link.restore({ replyDelayMs: 600 })
  await subscribersBecome(1)
  t.ok(link.heldReplies() > 0, 'Redis has the SUBSCRIBE; its reply is still held back by the link')
  await store.close()
  t.pass('closed mid re-subscribe')
})
