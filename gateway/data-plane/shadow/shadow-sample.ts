/**
 * Which requests are mirrored. A user with a session is in or out of the sample on every request
 * (a stable hash, salted so the shadowed users are not simply the canary's first N percent, who
 * are served by new and so never shadowed); cookieless requests are sampled one by one.
 */
import { canaryBucket } from '../routing/canary.js'
import type { CompiledRoute } from '../routing/route-table.js'

const SAFE_METHODS = new Set(['GET', 'HEAD'])

export function shadowBucket (sessionId: string): number {
  return canaryBucket(`shadow:${sessionId}`)
}

export function methodMayShadow (route: CompiledRoute, method: string): boolean {
  return SAFE_METHODS.has(method) || route.route.shadowSafe
}

export function inShadowSample (sample: number, sessionId: string | null, random = Math.random): boolean {
  if (sample <= 0) return false
  if (sample >= 100) return true
  return sessionId === null ? random() * 100 < sample : shadowBucket(sessionId) < sample
}
