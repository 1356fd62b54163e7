/**
 * The process-wide bindings tracing needs, made while at least one traced gateway is open and
 * undone when the last one closes: Fastify's request handler runs in its request's scope
 * (Fastify's `tracing:fastify.request.handler` channel), a shadow's task in the shadow's
 * (shadow-scope.ts), and undici's request channels make the upstream spans.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { FastifyRequest } from 'fastify'
import { shadowScope } from '../shadow/shadow-scope.js'
import { endShadowSpan, startShadowSpan } from './shadow-spans.js'
import { requestScopes, traceScopes } from './trace-scope.js'
import { subscribeUpstreamSpans } from './upstream-spans.js'

const fastifyHandler = diagnosticsChannel.tracingChannel<unknown, { request: FastifyRequest }>('fastify.request.handler')

let users = 0
let unsubscribeUpstreams: (() => void) | null = null

/** Returns the function that gives the bindings back (idempotent). */
export function useTraceChannels (): () => void {
  if (users++ === 0) {
    fastifyHandler.start.bindStore(traceScopes, (message) => requestScopes.get(message.request))
    shadowScope.start.bindStore(traceScopes, startShadowSpan)
    shadowScope.asyncEnd.subscribe(endShadowSpan)
    unsubscribeUpstreams = subscribeUpstreamSpans()
  }
  let released = false
  return () => {
    if (released) return
    released = true
    if (--users > 0) return
    fastifyHandler.start.unbindStore(traceScopes)
    shadowScope.start.unbindStore(traceScopes)
    shadowScope.asyncEnd.unsubscribe(endShadowSpan)
    unsubscribeUpstreams?.()
    unsubscribeUpstreams = null
  }
}
