/**
 * Rollout state in Redis, one JSON string per feature (`<prefix>rollout:<feature>`). One Lua
 * script checks the version, checks the controller lock when fenced, writes the state and pushes
 * the audit entry onto the shared audit list (`<prefix>audit`, capped like
 * gateway/audit/redis-audit-log.ts), so the three happen together or not at all.
 * Redis Cluster: the script names three keys, so the prefix needs a hash tag (registerControlPlane
 * gives it one when it has none).
 */
import type { RedisClient } from '@strangler-gateway/flask-session'
import { DEFAULT_AUDIT_MAX_ENTRIES } from '../audit/audit-log.js'
import { RolloutUnavailableError } from '../../core/errors.js'
import type { RolloutState, RolloutStateStore, WriteResult } from './rollout-state.js'

// KEYS: state, lock, audit list. ARGV: expected version, state JSON, fence token ('' none),
// audit entry JSON ('' none), audit cap. Returns 1 written, 0 version conflict, -1 lock lost.
const WRITE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = cjson.decode(current).version end
if version ~= tonumber(ARGV[1]) then return 0 end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[3] then return -1 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] ~= '' then
  redis.call('LPUSH', KEYS[3], ARGV[4])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
end
return 1
`

const RESULTS: Record<number, WriteResult> = { 1: 'written', 0: 'conflict', [-1]: 'lock_lost' }

export interface RedisStateStoreOptions {
  /** Shared client; the caller closes it. */
  redis: RedisClient
  keyPrefix: string
  /** The controller lock's key, checked by fenced writes. */
  lockKey: string
}

export function createRedisStateStore ({ redis, keyPrefix, lockKey }: RedisStateStoreOptions): RolloutStateStore {
  const keyOf = (feature: string): string => `${keyPrefix}rollout:${feature}`
  const auditKey = `${keyPrefix}audit`
  const unavailable = (err: unknown): never => { throw new RolloutUnavailableError((err as Error).message, { cause: err }) }
  return {
    async get (feature) {
      const raw = await redis.get(keyOf(feature)).catch(unavailable)
      return raw === null ? null : JSON.parse(raw) as RolloutState
    },
    async write (next, expected, options = {}) {
      const json = JSON.stringify({ ...next, version: expected + 1 })
      const audit = options.audit === undefined ? '' : JSON.stringify(options.audit)
      const result = await redis.eval(WRITE_SCRIPT, 3, keyOf(next.feature), lockKey, auditKey,
        expected, json, options.fence ?? '', audit, DEFAULT_AUDIT_MAX_ENTRIES).catch(unavailable)
      return RESULTS[Number(result)]
    },
    async close () {}
  }
}
