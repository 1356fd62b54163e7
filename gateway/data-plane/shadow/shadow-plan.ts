/**
 * Whether this request is mirrored (docs/architecture.md, "One request", step 5), and which way.
 * Legacy serves it: a copy goes to new. New serves it because its feature is in the live stage
 * (flag on at 100 %, override stage `live`; not a tester's pin): a copy goes to legacy, the
 * reverse shadow. Either way its feature samples it (`shadow.sample`), and its method may be
 * mirrored on this route: GET and HEAD anywhere, any method where the route says `shadowSafe` or
 * shadows statefully (the route's `shadow`, else its feature's `shadow.mode`).
 */
import type { FastifyRequest } from 'fastify'
import type { SnapshotLease } from '../config-holder.js'
import type { ProxyExchange } from '../proxy/proxy-exchange.js'
import { effectiveFlag, isLive } from '../routing/effective-flag.js'
import type { CompiledRoute } from '../routing/route-table.js'
import { inShadowSample, methodMayShadow } from './shadow-sample.js'
import type { ShadowTarget } from './shadow-runner.js'

export function shadowModeOf (route: CompiledRoute): ShadowTarget['mode'] {
  return route.route.shadow ?? route.featureConfig.shadow.mode
}

/** The live stage: new serves this request for everyone, not for a pin, and legacy gets copies. */
function liveStage (exchange: ProxyExchange, route: CompiledRoute): boolean {
  const { decision, snapshot } = exchange
  if (decision.reason !== 'canary-full') return false
  const ctx = snapshot.decideContext
  return isLive(effectiveFlag(route.feature, route.featureConfig, ctx.overrides, ctx.envFlags))
}

/** `lease` is the request's hold on `exchange.snapshot`; a shadow that runs retains it until it ends. */
export function planShadow (request: FastifyRequest, exchange: ProxyExchange, lease: SnapshotLease): ShadowTarget | null {
  const { decision, snapshot } = exchange
  const route = decision.route
  if (route === undefined) return null
  const feature = route.featureConfig
  if (feature.shadow.sample <= 0) return null
  if (decision.target !== 'legacy' && !liveStage(exchange, route)) return null
  const mode = shadowModeOf(route)
  if (mode === 'stateless' && !methodMayShadow(route, request.method)) return null
  const sessionId = decision.sessionId !== undefined
    ? decision.sessionId
    : snapshot.decideContext.readSessionId(request.headers.cookie)
  if (!inShadowSample(feature.shadow.sample, sessionId)) return null
  const { legacy, new: candidate } = snapshot.upstreams
  return {
    feature: route.feature,
    route: route.template,
    method: request.method,
    url: request.url,
    requestId: request.id,
    sessionId,
    compare: feature.compare,
    budget: snapshot.config.shadow,
    candidate: decision.target === 'legacy' ? candidate : legacy,
    legacy,
    lease,
    mode,
    primary: decision.target
  }
}
