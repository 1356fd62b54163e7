/**
 * The gateway's server span for one request: continued from the client's `traceparent` and
 * `tracestate`, named `METHOD route`, with the routing decision on it when it ends.
 */
import { SpanKind, SpanStatusCode, ROOT_CONTEXT, defaultTextMapGetter, trace, type Attributes, type Span } from '@opentelemetry/api'
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PROTOCOL_VERSION, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_PATH, ATTR_URL_SCHEME
} from '@opentelemetry/semantic-conventions'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ProxyExchange } from '../proxy/proxy-exchange.js'
import { effectiveFlag } from '../routing/effective-flag.js'
import {
  ATTR_CANARY_BUCKET, ATTR_CANARY_PERCENT, ATTR_FALLBACK, ATTR_FALLBACK_CAUSE, ATTR_FEATURE, ATTR_FLAG_SOURCE,
  ATTR_ROUTING_REASON, ATTR_ROUTING_TARGET, ATTR_SERVED_BY
} from './span-attributes.js'
import type { GatewayTracing, TraceScope } from './trace-scope.js'

/** `Host`'s name and port, as the client addressed the gateway. */
function hostAttributes (host: string | undefined, attributes: Attributes, secure: boolean): void {
  if (host === undefined || host === '') return
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host)
  if (match === null) return
  attributes[ATTR_SERVER_ADDRESS] = match[1]
  attributes[ATTR_SERVER_PORT] = match[2] === undefined ? (secure ? 443 : 80) : Number(match[2])
}

export function startServerSpan (tracing: GatewayTracing, request: FastifyRequest): TraceScope {
  const parent = tracing.propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter)
  const span = tracing.tracer.startSpan(request.method, { kind: SpanKind.SERVER }, parent)
  if (span.isRecording()) {
    const url = request.raw.url ?? '/'
    const queryAt = url.indexOf('?')
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: request.method,
      // Never the query: it may carry a token or a session id.
      [ATTR_URL_PATH]: queryAt === -1 ? url : url.slice(0, queryAt),
      [ATTR_URL_SCHEME]: request.protocol,
      [ATTR_NETWORK_PROTOCOL_VERSION]: request.raw.httpVersion
    }
    const address = request.raw.socket?.remoteAddress
    if (address !== undefined) attributes[ATTR_NETWORK_PEER_ADDRESS] = address
    hostAttributes(request.headers.host ?? (request.headers[':authority'] as string | undefined), attributes, request.protocol === 'https')
    span.setAttributes(attributes)
  }
  return { tracing, span, context: trace.setSpan(parent, span), request }
}

/** The routing decision and what came of it: never the session id the canary hashed. */
function decisionAttributes ({ decision, servedBy, fallbackCause, snapshot }: ProxyExchange): Attributes {
  const attributes: Attributes = {
    [ATTR_ROUTING_REASON]: decision.reason,
    [ATTR_ROUTING_TARGET]: decision.target,
    [ATTR_SERVED_BY]: servedBy
  }
  const route = decision.route
  if (route !== undefined) {
    attributes[ATTR_FEATURE] = route.feature
    attributes[ATTR_HTTP_ROUTE] = route.template
    if (decision.reason !== 'pin') {
      const { overrides, envFlags } = snapshot.decideContext
      const flag = effectiveFlag(route.feature, route.featureConfig, overrides, envFlags)
      attributes[ATTR_FLAG_SOURCE] = flag.source.enabled
      attributes[ATTR_CANARY_PERCENT] = flag.canary
    }
  }
  if (decision.bucket >= 0) attributes[ATTR_CANARY_BUCKET] = decision.bucket
  if (fallbackCause !== undefined) {
    attributes[ATTR_FALLBACK] = true
    attributes[ATTR_FALLBACK_CAUSE] = fallbackCause
  }
  return attributes
}

export function endServerSpan (span: Span, request: FastifyRequest, reply: FastifyReply): void {
  if (span.isRecording()) {
    const status = reply.raw.statusCode
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
    const exchange = request.proxy ?? null
    if (exchange !== null) span.setAttributes(decisionAttributes(exchange))
    const route = exchange === null ? request.routeOptions.url : exchange.decision.route?.template
    if (route !== undefined) {
      if (exchange === null) span.setAttribute(ATTR_HTTP_ROUTE, route)
      span.updateName(`${request.method} ${route}`)
    }
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status))
      span.setStatus({ code: SpanStatusCode.ERROR })
    } else if (!reply.raw.writableFinished) {
      // The client went away, or the connection was cut, before the answer was out.
      span.setAttribute(ATTR_ERROR_TYPE, 'response_incomplete')
      span.setStatus({ code: SpanStatusCode.ERROR })
    }
  }
  span.end()
}
