/** A Redis client and a key prefix of the test's own, its keys deleted (never FLUSHDB) at teardown. */
import { Redis } from 'ioredis'
import type { Test } from 'tap'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'

export async function redisFor (t: Test, name: string): Promise<{ redis: Redis, prefix: string } | undefined> {
  if (!await requireRedis(t)) return undefined
  const prefix = uniquePrefix(name)
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  return { redis, prefix }
}
