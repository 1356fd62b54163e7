/**
 * The upstream call as a client span, child of the scope it is made in (the user's server span
 * or the shadow's span), taken from undici's diagnostics channels: the proxy and the shadow
 * runner dispatch as they always do. The call carries that span's `traceparent` (and the
 * `tracestate` it inherited) in place of whatever the client sent. In an unsampled trace no
 * client span is made: the call carries the scope's own span context, unsampled.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api'
import {
  ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL
} from '@opentelemetry/semantic-conventions'
import { ATTR_UPSTREAM } from './span-attributes.js'
import { requestScopesById, shadowScopesById, traceScopes, upstreamOf, type TraceScope } from './trace-scope.js'
import { SHADOW_OF_HEADER } from '../shadow/shadow-runner.js'

/** What undici's `undici:request:*` messages carry, as far as used here. */
interface UndiciRequest {
  origin: string
  method: string
  path: string
  /** Flat: name, value, name, value... */
  headers: Array<string | string[]>
  addHeader: (name: string, value: string) => unknown
}

const TRACE_HEADERS = new Set(['traceparent', 'tracestate'])
const spans = new WeakMap<UndiciRequest, Span>()
const hosts = new Map<string, { address: string, port: number }>()

function hostOf (origin: string): { address: string, port: number } {
  let host = hosts.get(origin)
  if (host === undefined) {
    const url = new URL(origin)
    host = { address: url.hostname, port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) }
    if (hosts.size < 64) hosts.set(origin, host)
  }
  return host
}

/** The span's trace headers replace the client's: a stale `tracestate` must not ride along. */
function setTraceHeaders (request: UndiciRequest, carrier: Record<string, string>): void {
  const headers = request.headers
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (TRACE_HEADERS.has(String(headers[i]).toLowerCase())) headers.splice(i, 2)
  }
  for (const name in carrier) request.addHeader(name, carrier[name])
}

/**
 * The scope the call belongs to: the current one when it is the call's own (its `x-request-id`,
 * or for a shadow's call `x-shadow-of`, says whose it is), else the open scope with that id.
 * A call without the gateway's request id is not one of its upstream calls.
 */
function scopeOf (request: UndiciRequest): TraceScope | undefined {
  const headers = request.headers
  let requestId: string | undefined
  let shadowOf: string | undefined
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'x-request-id') requestId = headers[i + 1] as string
    else if (headers[i] === SHADOW_OF_HEADER) shadowOf = headers[i + 1] as string
  }
  const current = traceScopes.getStore()
  if (shadowOf !== undefined) return current?.shadow?.requestId === shadowOf ? current : shadowScopesById.get(shadowOf)
  if (requestId === undefined) return undefined
  return current?.request?.id === requestId ? current : requestScopesById.get(requestId)
}

function onCreate (message: unknown): void {
  const request = (message as { request: UndiciRequest }).request
  const scope = scopeOf(request)
  if (scope === undefined) return
  // Only the calls to legacy and new are the gateway's to trace.
  const upstream = upstreamOf(scope, request.origin)
  if (upstream === undefined) return
  // An unsampled trace records nothing: the call carries its trace id (and unsampled flag) on
  // the scope's own span context, and no child span is made for it.
  if (!scope.span.isRecording()) return inject(scope, scope.context, request)
  const span = scope.tracing.tracer.startSpan(request.method, { kind: SpanKind.CLIENT }, scope.context)
  if (span.isRecording()) {
    const host = hostOf(request.origin)
    const queryAt = request.path.indexOf('?')
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: request.method,
      [ATTR_SERVER_ADDRESS]: host.address,
      [ATTR_SERVER_PORT]: host.port,
      [ATTR_URL_FULL]: request.origin + (queryAt === -1 ? request.path : request.path.slice(0, queryAt)),
      [ATTR_UPSTREAM]: upstream
    }
    span.setAttributes(attributes)
  }
  spans.set(request, span)
  inject(scope, trace.setSpan(scope.context, span), request)
}

const setter = { set (carrier: Record<string, string>, key: string, value: string) { carrier[key] = value } }

function inject (scope: TraceScope, context: Context, request: UndiciRequest): void {
  const carrier: Record<string, string> = {}
  scope.tracing.propagator.inject(context, carrier, setter)
  setTraceHeaders(request, carrier)
}

function onHeaders (message: unknown): void {
  const { request, response } = message as { request: UndiciRequest, response: { statusCode: number } }
  const span = spans.get(request)
  if (span === undefined) return
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode)
  // A client span's 4xx is an error too (HTTP semantic conventions).
  if (response.statusCode >= 400) {
    span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode))
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
}

function onTrailers (message: unknown): void {
  const { request } = message as { request: UndiciRequest }
  spans.get(request)?.end()
  spans.delete(request)
}

function onError (message: unknown): void {
  const { request, error } = message as { request: UndiciRequest, error: { code?: string, name?: string } }
  const span = spans.get(request)
  if (span === undefined) return
  spans.delete(request)
  span.setAttribute(ATTR_ERROR_TYPE, error.code ?? error.name ?? 'Error')
  span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}

const SUBSCRIPTIONS: Array<[string, (message: unknown) => void]> = [
  ['undici:request:create', onCreate],
  ['undici:request:headers', onHeaders],
  ['undici:request:trailers', onTrailers],
  ['undici:request:error', onError]
]

export function subscribeUpstreamSpans (): () => void {
  for (const [name, listener] of SUBSCRIPTIONS) diagnosticsChannel.subscribe(name, listener)
  return () => { for (const [name, listener] of SUBSCRIPTIONS) diagnosticsChannel.unsubscribe(name, listener) }
}
