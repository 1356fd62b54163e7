/**
 * The trace scope a piece of gateway work runs in: a user's request (its server span) or a
 * shadow (its own span). Kept in one AsyncLocalStorage, entered through diagnostics channels'
 * stores (trace-channels.ts), so the upstream calls made inside know their parent span.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Context, Span, TextMapPropagator, Tracer } from '@opentelemetry/api'
import type { FastifyRequest } from 'fastify'
import type { ShadowScopeMessage } from '../shadow/shadow-scope.js'

/**
 * What the gateway traces with, made by the process (runtime/tracing.ts) only when OTLP export is
 * configured. Without it buildGateway loads nothing of this folder and registers no hook.
 */
export interface GatewayTracing {
  tracer: Tracer
  /** W3C Trace Context: `traceparent` and `tracestate`. */
  propagator: TextMapPropagator
  /** Exports every span ended so far. */
  flush: () => Promise<void>
  /** Exports what is left and stops the exporter. */
  shutdown: () => Promise<void>
}

export interface TraceScope {
  tracing: GatewayTracing
  span: Span
  /** The context whose active span is `span`. */
  context: Context
  /** Set for a user's request. */
  request?: FastifyRequest
  /** Set for a shadow. */
  shadow?: ShadowScopeMessage['target']
}

export const traceScopes = new AsyncLocalStorage<TraceScope>()

/** Each traced request's scope, from its onRequest hook. */
export const requestScopes = new WeakMap<FastifyRequest, TraceScope>()

/**
 * Open scopes by request id. undici creates a call that waited in its pool's queue from another
 * request's turn, so the current scope is not always the call's: the call's own `x-request-id`
 * (and a shadow's `x-shadow-of`) finds it. An id two open requests share (a client may send its
 * own) finds neither.
 */
export class ScopesById {
  readonly #open = new Map<string, { scope: TraceScope, count: number }>()

  add (id: string, scope: TraceScope): void {
    const entry = this.#open.get(id)
    if (entry === undefined) this.#open.set(id, { scope, count: 1 })
    else entry.count++
  }

  delete (id: string): void {
    const entry = this.#open.get(id)
    if (entry !== undefined && --entry.count === 0) this.#open.delete(id)
  }

  get (id: string): TraceScope | undefined {
    const entry = this.#open.get(id)
    return entry?.count === 1 ? entry.scope : undefined
  }
}

export const requestScopesById = new ScopesById()
/** Keyed by the id of the request the shadow mirrors. */
export const shadowScopesById = new ScopesById()

/** `legacy` or `new` for one of the scope's upstream origins; undefined for any other. */
export function upstreamOf (scope: TraceScope, origin: string): string | undefined {
  const legacy = scope.shadow?.legacy ?? scope.request?.proxy?.snapshot.upstreams.legacy
  const candidate = scope.shadow?.candidate ?? scope.request?.proxy?.snapshot.upstreams.new
  return legacy?.origin === origin ? 'legacy' : candidate?.origin === origin ? 'new' : undefined
}
