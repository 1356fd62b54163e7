/**
 * The catch-all proxy: every request no gateway route claims is routed by the current snapshot
 * (match, flag, canary), streamed to its upstream and streamed back. New failing on a replayable
 * request falls back to legacy. Registered in its own context so no body parser ever buffers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { BodyTooLargeError } from '../../core/errors.js'
import type { ConfigHolder, SnapshotLease } from '../config-holder.js'
import { decide, type RoutingDecision } from '../routing/decide.js'
import { readPin, type PinCheck } from '../routing/tester-pin.js'
import { publish } from '../events.js'
import { ClientAbortSignal } from './client-abort.js'
import type { ProxyExchange } from './proxy-exchange.js'
import { trustCheckOf } from './forwarding.js'
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js'
import { forward, type ForwardRequest } from './forward.js'
import { sendAnswer } from './send-answer.js'
import { ByteLimit, declaredLength, hasRequestBody, readUpTo } from './request-body-stream.js'
import { errorCode } from './upstream-errors.js'
import type { Dispatcher } from 'undici'
import { teeForCapture } from '../shadow/capture.js'
import { planShadow } from '../shadow/shadow-plan.js'
import type { ShadowRun, ShadowRunner } from '../shadow/shadow-runner.js'

declare module 'fastify' {
  interface FastifyRequest {
    proxy: ProxyExchange | null
  }
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

export interface ProxyPluginOptions {
  holder: ConfigHolder
  /** Mirrors sampled legacy traffic to new, and in the live stage new's to legacy; absent: no shadow traffic. */
  shadow?: ShadowRunner
  /** GATEWAY_PIN_SECRET, which signs tester pins; unset: pins are ignored (and counted). */
  pinSecret?: string
}

async function proxyPlugin (app: FastifyInstance, { holder, shadow, pinSecret }: ProxyPluginOptions): Promise<void> {
  app.decorateRequest('proxy', null)

  /** A pin that decided is marked in the log and counted; one that did not is counted. */
  function notePin (request: FastifyRequest, pin: PinCheck, decision: RoutingDecision): void {
    if (pin.status === 'valid' && decision.reason === 'pin') {
      request.log.info({ pin: { feature: pin.pin.feature, side: pin.pin.side } }, 'tester pin')
      publish('pinned', { gateway: app, request, feature: pin.pin.feature, side: pin.pin.side })
    } else if (pin.status !== 'none') {
      // A valid pin for a feature this route is not, or one for a request no route matched.
      publish('pin-ignored', { gateway: app, reason: pin.status === 'valid' ? 'other_feature' : pin.status })
    }
  }

  app.register(async function catchAll (scope) {
    // Bodies are streamed by the handler, never parsed or buffered by Fastify.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => { done(null) })
    scope.route({ method: ALL_METHODS, url: '/*', handler })
    scope.route({ method: ALL_METHODS, url: '/', handler })
  })

  app.addHook('onResponse', (request, reply, done) => {
    const exchange = request.proxy
    if (exchange !== null && reply.elapsedTime > exchange.snapshot.config.limits.slowResponseMs) {
      request.log.warn({
        route: exchange.decision.route?.template ?? null,
        servedBy: exchange.servedBy,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime)
      }, 'slow response')
    }
    done()
  })

  function reportError (request: FastifyRequest, upstream: string, err: unknown): void {
    publish('upstream-error', { gateway: app, request, upstream, code: errorCode(err) })
  }

  // The request holds its snapshot until the handler is done with it, however it ends (answered,
  // failed, client gone), so a reload meanwhile keeps the pools it dispatches to open. What it
  // dispatched may still be streaming: a retired pool closing lets that finish.
  async function handler (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const lease = holder.acquire()
    try {
      return await proxy(request, reply, lease)
    } finally {
      lease.release()
    }
  }

  async function proxy (request: FastifyRequest, reply: FastifyReply, lease: SnapshotLease): Promise<FastifyReply> {
    const snapshot = lease.snapshot
    const { config, upstreams } = snapshot
    const raw = request.raw
    const url = raw.url ?? '/'
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    const pin = readPin(request.headers, pinSecret)
    const decision = decide(snapshot.decideContext, request.method, path, request.headers.cookie, pin.status === 'valid' ? pin.pin : undefined)
    if (pin.status !== 'none') notePin(request, pin, decision)
    const exchange: ProxyExchange = { snapshot, decision, servedBy: decision.target }
    request.proxy = exchange
    // Stateful shadows' ordering guard; a no-op unless some feature shadows statefully.
    shadow?.stateful?.track(request, reply)
    reply.header('x-request-id', request.id)
    reply.header('x-served-by', decision.target)

    const limit = config.limits.bodyBytes
    const length = declaredLength(raw)
    if (length !== undefined && length > limit) {
      // HTTP/2 has no Connection header (setting one is an error): its stream just ends.
      if (raw.httpVersionMajor === 1) reply.header('connection', 'close')
      throw new BodyTooLargeError(limit)
    }

    const fallbackWanted = decision.target === 'new' && decision.route?.featureConfig.fallback === true
    let shadowTarget = shadow === undefined ? null : planShadow(request, exchange, lease)
    // Sampled from here: every way out below ends it once (started, or dropped with a reason).
    if (shadowTarget !== null) shadow?.sampled(shadowTarget)
    let body: ForwardRequest['body'] = null
    let replayable = true
    if (hasRequestBody(raw)) {
      const limited = raw.pipe(new ByteLimit(limit))
      // Pipe does not forward errors; a client that drops mid-upload must end the upstream body too.
      raw.once('error', (err) => limited.destroy(err))
      // Only the copies for replay and shadow are buffered, each within its cap.
      const cap = Math.max(fallbackWanted ? config.limits.replayBodyBytes : 0, shadowTarget === null ? 0 : config.shadow.requestBodyBytes)
      if (cap > 0) {
        let read: Awaited<ReturnType<typeof readUpTo>>
        try {
          read = await readUpTo(limited, cap)
        } catch (err) {
          // The client went away mid-upload, or its body broke limits.bodyBytes: no shadow.
          if (shadowTarget !== null) shadow?.drop(shadowTarget, err instanceof BodyTooLargeError ? 'body_too_large' : 'client_aborted')
          throw err
        }
        replayable = read.complete && read.prefix.length <= config.limits.replayBodyBytes
        body = read.complete ? read.prefix : read.stream()
        if (shadowTarget !== null && (!read.complete || read.prefix.length > config.shadow.requestBodyBytes)) {
          shadow?.drop(shadowTarget, 'body_too_large')
          shadowTarget = null
        }
      } else {
        replayable = false
        body = limited
        // shadow.requestBodyBytes 0: no body is kept for a shadow.
        if (shadowTarget !== null) {
          shadow?.drop(shadowTarget, 'body_too_large')
          shadowTarget = null
        }
      }
    }

    const headers = upstreamRequestHeaders(request.headers, {
      remoteAddress: raw.socket.remoteAddress,
      protocol: request.protocol,
      requestId: request.id,
      trusted: trustCheckOf(config.trustedProxies)
    })
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length)

    // A client that goes away cancels the upstream call, unless a shadow still needs legacy's
    // answer (not one the budget dropped, nor one whose snapshot could not be taken or stored).
    let shadowRun: ShadowRun | null = null
    const signal = new ClientAbortSignal(reply.raw, () => shadowRun?.wantsPrimary() === true)
    const call: ForwardRequest = { method: request.method, path: url, headers, body, signal }
    const canFallback = fallbackWanted && replayable

    let response: Dispatcher.ResponseData
    const primary = upstreams[decision.target]
    // A stateful shadow reads the user's session before legacy can change it (bounded wait).
    if (shadowTarget !== null && shadow !== undefined) {
      shadowRun = shadowTarget.mode === 'stateless' ? shadow.start(shadowTarget, call) : await shadow.startStateful(shadowTarget, call, config)
    }
    const startedAt = performance.now()
    try {
      response = await forward(primary, call)
    } catch (err) {
      shadowRun?.abandon()
      // A client that went away is not an upstream failure: not counted as one.
      if (!signal.aborted) reportError(request, primary.name, err)
      if (!canFallback || err instanceof BodyTooLargeError || signal.aborted) throw err
      response = await fallBack(request, reply, exchange, call, (err as { code: string }).code)
      return send(reply, response)
    }
    if (canFallback && response.statusCode >= 500) {
      await response.body.dump()
      // A live-stage copy compares new's answer, which this request no longer has.
      shadowRun?.abandon()
      shadowRun = null
      response = await fallBack(request, reply, exchange, call, `HTTP_${response.statusCode}`)
    }
    if (shadowRun !== null) {
      // The user's body streams on; a capped copy is kept for the comparison, read to the end
      // even if the user goes away.
      const { client, captured } = teeForCapture(response.body, config.shadow.responseBodyBytes, shadowRun.hold, shadowRun.wantsPrimary)
      shadowRun.primary({ status: response.statusCode, headers: response.headers, captured, startedAt })
      reply.code(response.statusCode)
      reply.headers(clientResponseHeaders(response.headers))
      return reply.send(client)
    }
    return send(reply, response)
  }

  async function fallBack (
    request: FastifyRequest,
    reply: FastifyReply,
    exchange: ProxyExchange,
    call: ForwardRequest,
    cause: string
  ): Promise<Dispatcher.ResponseData> {
    exchange.servedBy = 'legacy-fallback'
    exchange.fallbackCause = cause
    reply.header('x-served-by', 'legacy-fallback')
    request.log.warn({ route: exchange.decision.route?.template, cause }, 'new failed; legacy serves')
    publish('fallback', { gateway: app, request, cause })
    try {
      return await forward(exchange.snapshot.upstreams.legacy, call)
    } catch (err) {
      reportError(request, 'legacy', err)
      throw err
    }
  }

  function send (reply: FastifyReply, response: Dispatcher.ResponseData): FastifyReply {
    return sendAnswer(reply, response.statusCode, response.headers, response.body)
  }
}

export default fp(proxyPlugin, { name: 'proxy', fastify: '5.x' })
