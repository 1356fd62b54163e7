/**
 * Whether this request is mirrored (docs/architecture.md, "One request", step 5): legacy serves it, its feature
 * samples it, and its method may be mirrored on this route: GET and HEAD anywhere, any method
 * where the route says `shadowSafe` or shadows statefully (the route's `shadow`, else its
 * feature's `shadow.mode`).
 */
import type { FastifyRequest } from 'fastify'
import type { SnapshotLease } from '../config-holder.js'
import type { ProxyExchange } from '../proxy/proxy-exchange.js'
import type { CompiledRoute } from '../routing/route-table.js'
import { inShadowSample, methodMayShadow } from './shadow-sample.js'
import type { ShadowTarget } from './shadow-runner.js'

export function shadowModeOf (route: CompiledRoute): ShadowTarget['mode'] {
  return route.route.shadow ?? route.featureConfig.shadow.mode
}

/** `lease` is the request's hold on `exchange.snapshot`; a shadow that runs retains it until it ends. */
export function planShadow (request: FastifyRequest, exchange: ProxyExchange, lease: SnapshotLease): ShadowTarget | null {
  const { decision, snapshot } = exchange
  const route = decision.route
  if (decision.target !== 'legacy' || route === undefined) return null
  const feature = route.featureConfig
  if (feature.shadow.sample <= 0) return null
  const mode = shadowModeOf(route)
  if (mode === 'stateless' && !methodMayShadow(route, request.method)) return null
  const sessionId = decision.sessionId !== undefined
    ? decision.sessionId
    : snapshot.decideContext.readSessionId(request.headers.cookie)
  if (!inShadowSample(feature.shadow.sample, sessionId)) return null
  return {
    feature: route.feature,
    route: route.template,
    method: request.method,
    url: request.url,
    requestId: request.id,
    sessionId,
    compare: feature.compare,
    budget: snapshot.config.shadow,
    candidate: snapshot.upstreams.new,
    legacy: snapshot.upstreams.legacy,
    lease,
    mode
  }
}
