/**
 * The scope a shadow runs in, published on node:diagnostics_channel as the tracing channel
 * `strangler-gateway:shadow` (start, end, asyncStart, asyncEnd, error around the shadow's task).
 * A tracer binds its store to the channel's `start` (data-plane/tracing/), so the shadow's calls
 * run in the shadow's own trace context and not in the user's request's.
 *
 * Without a subscriber this costs one check per shadow and the task runs as it is.
 */
import { AsyncResource } from 'node:async_hooks'
import diagnosticsChannel from 'node:diagnostics_channel'
import type { FastifyInstance } from 'fastify'
import type { Upstream } from '../proxy/upstream-pool.js'

export const SHADOW_SCOPE_CHANNEL = 'strangler-gateway:shadow'

/** What a subscriber learns about the shadow: never its body, cookie or session id. */
export interface ShadowScopeMessage {
  gateway: FastifyInstance
  target: {
    /** The id of the request the shadow mirrors. */
    requestId: string
    feature: string
    route: string
    method: string
    mode: 'stateless' | 'stateful'
    candidate: Pick<Upstream, 'name' | 'origin'>
    legacy: Pick<Upstream, 'name' | 'origin'>
  }
}

export const shadowScope = diagnosticsChannel.tracingChannel<unknown, ShadowScopeMessage>(SHADOW_SCOPE_CHANNEL)

/**
 * The shadow's task, to run in its own scope whenever the budget runs it. Bound here, where the
 * user's request is the current context, so the subscriber can link the shadow to it even when
 * the task waits in the queue and starts from another request's turn.
 */
export function inShadowScope (gateway: FastifyInstance, target: ShadowScopeMessage['target'], task: () => Promise<void>): () => Promise<void> {
  if (!shadowScope.hasSubscribers) return task
  const message: ShadowScopeMessage = { gateway, target }
  return AsyncResource.bind(async () => { await shadowScope.tracePromise(task, message) })
}
