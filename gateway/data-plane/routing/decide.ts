/**
 * The routing decision (docs/architecture.md, "One request", steps 1-3): match, flag, canary. Pure and
 * allocation-light: it runs on every request.
 */
import type { OverrideStore } from '../overrides/override-store.js'
import { canaryBucket, inCanary } from './canary.js'
import { effectiveFlag } from './effective-flag.js'
import type { CompiledRoute, RouteTable } from './route-table.js'
import type { SessionIdReader } from './session-id.js'
import type { TesterPin } from './tester-pin.js'

export type Target = 'legacy' | 'new'

export type DecisionReason =
  | 'unmatched' // no route: the default route is legacy
  | 'flag-off'
  | 'canary-full' // flag on at 100%: new for everyone
  | 'no-session' // canary step without a (valid) session cookie: legacy creates sessions
  | 'canary-in'
  | 'canary-out'
  | 'pin' // a tester's signed pin for this feature (tester-pin.ts), before flag and canary

export interface RoutingDecision {
  route: CompiledRoute | undefined
  target: Target
  reason: DecisionReason
  /** The verified session id; null without one; undefined when the decision did not need it. */
  sessionId: string | null | undefined
  /** 0-99; -1 without a session or when not computed. */
  bucket: number
}

export interface DecideContext {
  table: RouteTable
  overrides: OverrideStore
  envFlags: ReadonlyMap<string, boolean>
  readSessionId: SessionIdReader
}

export function decide (
  ctx: DecideContext,
  method: string,
  path: string,
  cookieHeader: string | string[] | undefined,
  /** A verified tester pin; it decides only for its own feature. */
  pin?: TesterPin
): RoutingDecision {
  const route = ctx.table.match(method, path)
  // The cookie is only read, and hashed, when a canary step needs it.
  if (route === undefined) return { route, target: 'legacy', reason: 'unmatched', sessionId: undefined, bucket: -1 }
  if (pin !== undefined && pin.feature === route.feature) return { route, target: pin.side, reason: 'pin', sessionId: undefined, bucket: -1 }
  const flag = effectiveFlag(route.feature, route.featureConfig, ctx.overrides, ctx.envFlags)
  if (!flag.enabled) return { route, target: 'legacy', reason: 'flag-off', sessionId: undefined, bucket: -1 }
  if (flag.canary >= 100) return { route, target: 'new', reason: 'canary-full', sessionId: undefined, bucket: -1 }
  const sessionId = ctx.readSessionId(cookieHeader)
  if (sessionId === null) return { route, target: 'legacy', reason: 'no-session', sessionId, bucket: -1 }
  const bucket = canaryBucket(sessionId)
  return inCanary(bucket, flag.canary)
    ? { route, target: 'new', reason: 'canary-in', sessionId, bucket }
    : { route, target: 'legacy', reason: 'canary-out', sessionId, bucket }
}
