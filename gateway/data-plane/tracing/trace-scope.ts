/**
 * The trace scope a piece of gateway work runs in: a user's request (its server span) or a
 * shadow (its own span). Kept in one AsyncLocalStorage, entered through diagnostics channels'
 * stores (trace-channels.ts), so the upstream calls made inside know their parent span.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Context, Span } from '@opentelemetry/api'
import type { FastifyRequest } from 'fastify'
import type { ShadowScopeMessage } from '../shadow/shadow-scope.js'
import type { GatewayTracing } from './gateway-tracing.js'

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

/** `legacy` or `new` for one of the scope's upstream origins; undefined for any other. */
export function upstreamOf (scope: TraceScope, origin: string): string | undefined {
  const legacy = scope.shadow?.legacy ?? scope.request?.proxy?.snapshot.upstreams.legacy
  const candidate = scope.shadow?.candidate ?? scope.request?.proxy?.snapshot.upstreams.new
  return legacy?.origin === origin ? 'legacy' : candidate?.origin === origin ? 'new' : undefined
}
