/**
 * Traces the gateway's requests (docs/tracing.md): a server span per request, the upstream calls
 * as its children, each shadow as its own linked span, and `trace_id`/`span_id` on the request's
 * log lines. buildGateway registers it, first, only when tracing is on; it touches neither the
 * proxy nor the shadow runner, whose work it follows through hooks and diagnostics channels.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { subscribe } from '../events.js'
import { endServerSpan, startServerSpan } from './server-spans.js'
import { tracedGateways } from './shadow-spans.js'
import {
  ATTR_SHADOW_DIFFERENCES, ATTR_SHADOW_DROP_REASON, ATTR_SHADOW_OUTCOME, ATTR_SHADOW_SAMPLED, ATTR_SHADOW_VERDICT
} from './span-attributes.js'
import { useTraceChannels } from './trace-channels.js'
import { requestScopes, requestScopesById, traceScopes, type GatewayTracing } from './trace-scope.js'

export interface TracingPluginOptions {
  tracing: GatewayTracing
}

async function tracingPlugin (app: FastifyInstance, { tracing }: TracingPluginOptions): Promise<void> {
  tracedGateways.set(app, tracing)
  const release = useTraceChannels()
  app.addHook('onClose', async () => {
    tracedGateways.delete(app)
    release()
  })

  app.addHook('onRequest', (request, reply, done) => {
    const scope = startServerSpan(tracing, request)
    requestScopes.set(request, scope)
    requestScopesById.add(request.id, scope)
    const { traceId, spanId } = scope.span.spanContext()
    request.log = request.log.child({ trace_id: traceId, span_id: spanId })
    reply.log = request.log
    // 'close' comes however the response ends: finished, or cut with the client gone.
    reply.raw.once('close', () => {
      requestScopesById.delete(request.id)
      endServerSpan(scope.span, request, reply)
    })
    done()
  })

  // Published inside a scope: on the live path the user's server span, inside a shadow's task its own.
  subscribe(app, 'shadow-sampled', () => {
    traceScopes.getStore()?.span.setAttribute(ATTR_SHADOW_SAMPLED, true)
  })
  subscribe(app, 'shadow-compared', ({ pair }) => {
    traceScopes.getStore()?.span.setAttributes({
      [ATTR_SHADOW_VERDICT]: pair.result.verdict,
      [ATTR_SHADOW_DIFFERENCES]: pair.result.differences.length
    })
  })
  subscribe(app, 'shadow-ended', ({ outcome, reason }) => {
    const span = traceScopes.getStore()?.span
    span?.setAttribute(ATTR_SHADOW_OUTCOME, outcome)
    if (reason !== undefined) span?.setAttribute(ATTR_SHADOW_DROP_REASON, reason)
  })
}

export default fp(tracingPlugin, { name: 'tracing', fastify: '5.x' })
