/**
 * The data plane's events, published on node:diagnostics_channel: an upstream call failed, new
 * failed and legacy served instead, and a shadow was sampled, sent, dropped, timed out, compared
 * or ended.
 * Metrics and the report's recorder subscribe; so can an operator's own code, a test or an APM
 * agent, in any order and at any time, without the publisher knowing. Publishing is free when
 * nothing subscribes.
 *
 * A process may run several gateways (the tests run many), so every message names the gateway
 * (the Fastify instance buildGateway built) it came from, and `subscribe` listens to one.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ExchangeResult } from '../analysis/diff/diff-types.js'
import type { StatefulDropReason } from './shadow/stateful-shadow.js'

/**
 * `shutdown`: queued or running when the process began to stop (runtime/server.ts), abandoned at once.
 * `pressure`: the gateway's event-loop delay was over `shadow.protect.eventLoopDelayMs`, or the
 * latency guard (`shadow.protect.p95Ratio`) did not admit it.
 * `memory`: its bytes (request body, legacy's captured answer) would have gone over `shadow.maxBufferedBytes`.
 * `client_aborted`: the client went away (or its body broke a limit) before the shadow could start.
 */
export type DropReason = 'budget_full' | 'body_too_large' | 'primary_failed' | 'primary_not_captured' | 'shutdown' |
'pressure' | 'memory' | 'client_aborted' | StatefulDropReason

/**
 * How a sampled shadow ended; each sampled one ends exactly once. `compared`: a verdict on content
 * (equal or different). `errored`: it ran but gave none (new failed or timed out, a body too large
 * or undecodable, an internal failure). `dropped`: never ran or was cut short, with a DropReason.
 */
export type ShadowOutcome = 'compared' | 'dropped' | 'errored'

/** `legacy` and `candidate` are legacy's and new's answers; the copy's is null when it gave none. */
export interface ComparedPair {
  feature: string
  route: string
  /** The side that served the user: `legacy` for shadows to new, `new` for the live stage's copies. */
  primary: 'legacy' | 'new'
  legacy: { status: number, latencyMs: number } | null
  candidate: { status: number, latencyMs: number } | null
  result: ExchangeResult
}

interface FromGateway { gateway: FastifyInstance }

export interface GatewayEvents {
  /** An upstream call failed, including one a fallback rescued. */
  'upstream-error': FromGateway & { request: FastifyRequest, upstream: string, code: string }
  /** New failed and legacy served instead. */
  fallback: FromGateway & { request: FastifyRequest, cause: string }
  /** A request a tester's pin sent to a side, whatever the flag and canary said. */
  pinned: FromGateway & { request: FastifyRequest, feature: string, side: 'legacy' | 'new' }
  /** A pin that was ignored: forged, expired, for another feature, or pins are off. */
  'pin-ignored': FromGateway & { reason: 'invalid' | 'expired' | 'other_feature' | 'disabled' }
  /** A request was sampled for a shadow; it ends in one `shadow-ended`. */
  'shadow-sampled': FromGateway & { feature: string }
  /** A sampled shadow ended, exactly once: compared, dropped (with its reason) or errored. */
  'shadow-ended': FromGateway & { feature: string, outcome: ShadowOutcome, reason?: DropReason }
  'shadow-sent': FromGateway & { feature: string }
  'shadow-dropped': FromGateway & { feature: string, reason: DropReason }
  'shadow-timed-out': FromGateway & { feature: string }
  'shadow-compared': FromGateway & { pair: ComparedPair }
}

export type GatewayEventName = keyof GatewayEvents

/** The channel's name: `strangler-gateway:<event>`. */
export const channelName = (event: GatewayEventName): string => `strangler-gateway:${event}`

const channels = new Map<GatewayEventName, diagnosticsChannel.Channel>()
function channelOf (event: GatewayEventName): diagnosticsChannel.Channel {
  let channel = channels.get(event)
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(channelName(event))
    channels.set(event, channel)
  }
  return channel
}

export function publish<E extends GatewayEventName> (event: E, message: GatewayEvents[E]): void {
  const channel = channelOf(event)
  if (channel.hasSubscribers) channel.publish(message)
}

const subscriptions = new WeakMap<FastifyInstance, Set<() => void>>()

/**
 * Listens to one gateway's `event` until the returned function is called, or until that
 * gateway closes (buildGateway calls unsubscribeAll then).
 */
export function subscribe<E extends GatewayEventName> (
  gateway: FastifyInstance, event: E, listener: (message: GatewayEvents[E]) => void
): () => void {
  const channel = channelOf(event)
  const onMessage = (message: unknown): void => {
    if ((message as FromGateway).gateway === gateway) listener(message as GatewayEvents[E])
  }
  channel.subscribe(onMessage)
  let own = subscriptions.get(gateway)
  if (own === undefined) subscriptions.set(gateway, own = new Set())
  const unsubscribe = (): void => {
    if (own.delete(unsubscribe)) channel.unsubscribe(onMessage)
  }
  own.add(unsubscribe)
  return unsubscribe
}

/** Ends every subscription to `gateway`'s events. */
export function unsubscribeAll (gateway: FastifyInstance): void {
  for (const unsubscribe of subscriptions.get(gateway) ?? []) unsubscribe()
}
