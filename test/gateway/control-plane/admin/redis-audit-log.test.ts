// Lives here because test/gateway/audit/ is not this suite's to own; it tests gateway/audit/.
import { Redis } from 'ioredis'
import t from 'tap'
import { createMemoryAuditLog, type AuditEntry } from '../../../../gateway/control-plane/audit/audit-log.js'
import { createRedisAuditLog } from '../../../../gateway/control-plane/audit/redis-audit-log.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'

const entry = (n: number, feature: string | null = 'chat'): AuditEntry => ({
  at: new Date(1_700_000_000_000 + n).toISOString(),
  who: { tokenId: 'abcd1234', remoteAddress: '127.0.0.1' },
  action: 'flag.set',
  feature,
  before: { canary: n - 1 },
  after: { canary: n }
})

t.test('memory audit log: newest first, capped, filtered', async (t) => {
  const log = createMemoryAuditLog(3)
  for (let n = 1; n <= 5; n++) await log.record(entry(n, n % 2 === 0 ? 'watch' : 'chat'))
  t.same((await log.list()).map((e) => e.after), [{ canary: 5 }, { canary: 4 }, { canary: 3 }])
  t.same((await log.list({ feature: 'watch' })).map((e) => e.after), [{ canary: 4 }])
  t.equal((await log.list({ limit: 1 })).length, 1)
})

t.test('Redis audit log: shared, newest first, capped at maxEntries', async (t) => {
  if (!await requireRedis(t)) return
  const keyPrefix = uniquePrefix('audit')
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    await redis.del(`${keyPrefix}audit`)
    redis.disconnect()
  })
  const writer = createRedisAuditLog({ target: REDIS_URL, keyPrefix, maxEntries: 4 })
  const reader = createRedisAuditLog({ redis, keyPrefix, maxEntries: 4 })
  t.teardown(() => writer.close())
  for (let n = 1; n <= 6; n++) await writer.record(entry(n, n === 6 ? null : 'chat'))
  t.equal(await redis.llen(`${keyPrefix}audit`), 4)
  const all = await reader.list()
  t.same(all.map((e) => e.after), [{ canary: 6 }, { canary: 5 }, { canary: 4 }, { canary: 3 }])
  t.same(all[0], entry(6, null))
  t.equal((await reader.list({ feature: 'chat', limit: 2 })).length, 2)
  t.equal((await reader.list({ limit: 1 })).length, 1)
})
