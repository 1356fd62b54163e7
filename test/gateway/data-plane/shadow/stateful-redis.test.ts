/**
 * Stateful shadows with snapshots in Redis (the gateway's REDIS_URL): every snapshot and every
 * resulting session is written with a TTL no longer than shadow.snapshotTtlMs, and after a
 * conversation nothing is left under the snapshot prefix.
 */
import { Redis } from 'ioredis'
import t from 'tap'
import { createRedisSnapshotStore, type SnapshotStore } from '@strangler-gateway/flask-session'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { shadowsSettled } from '../../../helpers/shadow.js'
import { CONVERSATION, post, seedSession, startStack } from './stateful-stack.js'

const SID = 'c0ffee00-0000-4000-8000-000000000003'
const TTL_MS = 20_000

async function keysUnder (redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  return keys
}

t.test('snapshot keys carry a TTL and none is left after the conversation', async (t) => {
  if (!await requireRedis(t)) return
  const prefix = uniquePrefix('stateful-shadow')
  const snapshotPrefix = `${prefix}snapshot:`
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const left = await keysUnder(redis, `${prefix}*`)
    if (left.length > 0) await redis.del(...left)
    await redis.quit()
  })
  // The new services' side, watched: the TTL of the snapshot when it is read, of the result when written.
  const store = createRedisSnapshotStore({ redis, keyPrefix: snapshotPrefix })
  const ttls: Array<{ what: string, pttl: number }> = []
  const watched: SnapshotStore = {
    ...store,
    async get (key) {
      ttls.push({ what: 'snapshot', pttl: await redis.pttl(snapshotPrefix + key) })
      return await store.get(key)
    },
    async put (key, value, ttlMs) {
      await store.put(key, value, ttlMs)
      ttls.push({ what: 'result', pttl: await redis.pttl(snapshotPrefix + key) })
    }
  }
  const stack = await startStack(t, {
    shadow: 'stateful',
    newSnapshots: watched,
    gateway: { redis: REDIS_URL },
    diffStore: { keyPrefix: prefix },
    shadowBudget: { snapshotTtlMs: TTL_MS }
  })
  await seedSession(stack.dir, SID)
  for (const [url, body] of CONVERSATION) {
    t.equal((await post(`${stack.url}${url}`, SID, body)).status, 200, `${url} answered`)
    await shadowsSettled(stack.gateway)
  }
  t.match((await stack.gateway.gateway.diffStore.summary()).features.chat, { equal: 4, different: 0, dropped: 0 }, 'every turn compared through Redis, all four equal')
  t.same(ttls.map((x) => x.what), ['snapshot', 'result', 'snapshot', 'result', 'snapshot', 'result', 'snapshot', 'result'])
  for (const { what, pttl } of ttls) t.ok(pttl > 0 && pttl <= TTL_MS, `${what} expires (PTTL ${pttl} ms of at most ${TTL_MS})`)
  t.same(await keysUnder(redis, `${snapshotPrefix}*`), [], 'nothing accumulates under the snapshot prefix')
})
