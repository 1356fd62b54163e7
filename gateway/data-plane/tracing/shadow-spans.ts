/**
 * A shadow's span: a new root, in a trace of its own, linked to the server span of the request
 * it mirrors, so a slow shadow never stretches the user's trace. It starts when the shadow's task
 * starts in the budget and ends when the task is over; its calls to new (and a second legacy
 * call) are its children (upstream-spans.ts), and its verdict is set from `shadow-compared`.
 */
import { ROOT_CONTEXT, SpanKind, trace, type Link } from '@opentelemetry/api'
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions'
import type { FastifyInstance } from 'fastify'
import type { ShadowScopeMessage } from '../shadow/shadow-scope.js'
import { ATTR_FEATURE, ATTR_LINK_KIND, ATTR_SHADOW_MODE, LINK_SHADOW_OF } from './span-attributes.js'
import { shadowScopesById, traceScopes, type GatewayTracing, type TraceScope } from './trace-scope.js'

/** The gateways whose shadows are traced. */
export const tracedGateways = new WeakMap<FastifyInstance, GatewayTracing>()
const shadowScopes = new WeakMap<ShadowScopeMessage, TraceScope>()

/** The `start` store transform: the scope the shadow's task runs in. */
export function startShadowSpan (message: ShadowScopeMessage): TraceScope | undefined {
  // Bound where the shadow was started: the user's request scope.
  const user = traceScopes.getStore()
  const tracing = tracedGateways.get(message.gateway)
  if (tracing === undefined) return user
  const { target } = message
  const links: Link[] = user === undefined ? [] : [{ context: user.span.spanContext(), attributes: { [ATTR_LINK_KIND]: LINK_SHADOW_OF } }]
  const span = tracing.tracer.startSpan(`shadow ${target.method} ${target.route}`, {
    root: true,
    kind: SpanKind.INTERNAL,
    links,
    attributes: {
      [ATTR_FEATURE]: target.feature,
      [ATTR_HTTP_ROUTE]: target.route,
      [ATTR_HTTP_REQUEST_METHOD]: target.method,
      [ATTR_SHADOW_MODE]: target.mode
    }
  })
  const scope: TraceScope = { tracing, span, context: trace.setSpan(ROOT_CONTEXT, span), shadow: target }
  shadowScopes.set(message, scope)
  shadowScopesById.add(target.requestId, scope)
  return scope
}

/** `asyncEnd`: the shadow's task is over, however it ended. */
export function endShadowSpan (message: unknown): void {
  const scope = shadowScopes.get(message as ShadowScopeMessage)
  if (scope === undefined) return
  shadowScopes.delete(message as ShadowScopeMessage)
  shadowScopesById.delete((message as ShadowScopeMessage).target.requestId)
  scope.span.end()
}
