/**
 * The catch-all proxy: every request no gateway route claims is routed by the current snapshot
 * (match, flag, canary), streamed to its upstream and streamed back. New failing on a replayable
 * request falls back to legacy. Registered in its own context so no body parser ever buffers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { BodyTooLargeError } from '../errors.js'
import type { ConfigHolder, RuntimeSnapshot } from '../config/config-holder.js'
import { decide, type RoutingDecision } from '../routing/decide.js'
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js'
import { forward, type ForwardRequest } from './forward.js'
import { ByteLimit, declaredLength, hasRequestBody, readUpTo } from './request-body.js'
import { errorCode } from './upstream-errors.js'
import type { Dispatcher } from 'undici'

export type ServedBy = 'legacy' | 'new' | 'legacy-fallback'

/** What the proxy knows about a request; read by metrics, logs and the shadow path. */
export interface ProxyExchange {
  snapshot: RuntimeSnapshot
  decision: RoutingDecision
  servedBy: ServedBy
  /** Set when new failed and legacy answered instead. */
  fallbackCause?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    proxy: ProxyExchange | null
  }
  interface FastifyInstance {
    proxyEvents: ProxyEvents
  }
}

export interface ProxyEvents {
  /** New failed and legacy served instead. */
  onFallback: Array<(request: FastifyRequest, cause: string) => void>
  /** An upstream call failed (including ones a fallback rescued). */
  onUpstreamError: Array<(request: FastifyRequest, upstream: string, code: string) => void>
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

export interface ProxyPluginOptions {
  holder: ConfigHolder
}

async function proxyPlugin (app: FastifyInstance, { holder }: ProxyPluginOptions): Promise<void> {
  const events: ProxyEvents = { onFallback: [], onUpstreamError: [] }
  app.decorate('proxyEvents', events)
  app.decorateRequest('proxy', null)

  app.register(async function catchAll (scope) {
    // Bodies are streamed by the handler, never parsed or buffered by Fastify.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, _payload, done) => { done(null) })
    scope.route({ method: ALL_METHODS, url: '/*', handler })
    scope.route({ method: ALL_METHODS, url: '/', handler })
  })

  app.addHook('onResponse', async (request, reply) => {
    const exchange = request.proxy
    if (exchange === null) return
    const slowMs = exchange.snapshot.config.limits.slowResponseMs
    if (reply.elapsedTime > slowMs) {
      request.log.warn({
        route: exchange.decision.route?.template ?? null,
        servedBy: exchange.servedBy,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime)
      }, 'slow response')
    }
  })

  function reportError (request: FastifyRequest, upstream: string, err: unknown): void {
    for (const listener of events.onUpstreamError) listener(request, upstream, errorCode(err))
  }

  async function handler (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const snapshot = holder.current()
    const { config, upstreams } = snapshot
    const raw = request.raw
    const url = raw.url ?? '/'
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    const decision = decide(snapshot.decideContext, request.method, path, request.headers.cookie)
    const exchange: ProxyExchange = { snapshot, decision, servedBy: decision.target }
    request.proxy = exchange
    reply.header('x-request-id', request.id)
    reply.header('x-served-by', decision.target)

    const limit = config.limits.bodyBytes
    const length = declaredLength(raw)
    if (length !== undefined && length > limit) {
      reply.header('connection', 'close')
      throw new BodyTooLargeError(limit)
    }

    const fallbackWanted = decision.target === 'new' && decision.route?.featureConfig.fallback === true
    let body: ForwardRequest['body'] = null
    let replayable = true
    if (hasRequestBody(raw)) {
      const limited = raw.pipe(new ByteLimit(limit))
      // Pipe does not forward errors; a client that drops mid-upload must end the upstream body too.
      raw.once('error', (err) => limited.destroy(err))
      if (fallbackWanted && config.limits.replayBodyBytes > 0) {
        const read = await readUpTo(limited, config.limits.replayBodyBytes)
        replayable = read.complete
        body = read.complete ? read.prefix : read.stream()
      } else {
        replayable = false
        body = limited
      }
    }

    const headers = upstreamRequestHeaders(request.headers, {
      remoteAddress: raw.socket.remoteAddress,
      protocol: request.protocol,
      requestId: request.id
    })
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length)

    const abort = new AbortController()
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) abort.abort() })
    const call: ForwardRequest = { method: request.method, path: url, headers, body, signal: abort.signal }
    const canFallback = fallbackWanted && replayable

    let response: Dispatcher.ResponseData
    const primary = upstreams[decision.target]
    try {
      response = await forward(primary, call)
    } catch (err) {
      reportError(request, primary.name, err)
      if (!canFallback || err instanceof BodyTooLargeError || abort.signal.aborted) throw err
      response = await fallBack(request, reply, exchange, call, (err as { code: string }).code)
      return send(reply, response)
    }
    if (canFallback && response.statusCode >= 500) {
      await response.body.dump()
      response = await fallBack(request, reply, exchange, call, `HTTP_${response.statusCode}`)
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
    for (const listener of events.onFallback) listener(request, cause)
    try {
      return await forward(exchange.snapshot.upstreams.legacy, call)
    } catch (err) {
      reportError(request, 'legacy', err)
      throw err
    }
  }

  function send (reply: FastifyReply, response: Dispatcher.ResponseData): FastifyReply {
    reply.code(response.statusCode)
    reply.headers(clientResponseHeaders(response.headers))
    return reply.send(response.body)
  }
}

export default fp(proxyPlugin, { name: 'proxy', fastify: '5.x' })
