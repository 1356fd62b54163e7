/**
 * Which replica drives the rollouts: a Redis lock with an expiry, so a replica that dies frees
 * it by itself. Taken with SET NX PX, renewed by compare-and-extend and released by
 * compare-and-delete (Lua), so a replica never extends or frees a lock another one holds.
 * In memory (one process) the lock is always this process's.
 */
import type { RedisClient } from '@strangler-gateway/flask-session'

export interface ControllerLock {
  readonly token: string
  /** Takes the lock, or extends it when already held; true while this replica holds it. */
  acquire (ttlMs: number): Promise<boolean>
  /** The holder's token, or null when nobody holds it. */
  holder (): Promise<string | null>
  release (): Promise<void>
}

const EXTEND_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

export function createMemoryLock (token: string): ControllerLock {
  return { token, acquire: async () => true, holder: async () => token, release: async () => {} }
}

export function createRedisLock ({ redis, key, token }: { redis: RedisClient, key: string, token: string }): ControllerLock {
  let held = false
  return {
    token,
    async acquire (ttlMs) {
      if (held && Number(await redis.eval(EXTEND_SCRIPT, 1, key, token, ttlMs)) === 1) return true
      held = await redis.set(key, token, 'PX', ttlMs, 'NX') === 'OK'
      return held
    },
    holder: async () => await redis.get(key),
    async release () {
      held = false
      await redis.eval(RELEASE_SCRIPT, 1, key, token)
    }
  }
}
