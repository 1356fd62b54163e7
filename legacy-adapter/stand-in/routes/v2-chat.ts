/**
 * /api/v2/chat as legacy ships it: its own CSRF decorator (X-CSRF-Token only), a 30 per minute
 * per-address limiter, then HTTP 200 Server-Sent Events carrying exactly one error event,
 * because the legacy generator touches the session outside the request context.
 */
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { sentCsrfToken, tokensMatch } from '../csrf.js'
import { pythonJsonDumps, sendFlaskJson } from '../flask-json.js'

export const V2_RATE_LIMIT = { requests: 30, windowMs: 60_000 }
const STREAM_ERROR = 'ストリーミングエラーが発生しました'

export async function v2ChatRoutes (app: FastifyInstance): Promise<void> {
  const hits = new Map<string, number[]>()

  app.post('/api/v2/chat', async (request, reply) => {
    const sent = sentCsrfToken(request, ['x-csrf-token'])
    if (sent === undefined || !tokensMatch(sent, request.legacySession.csrf_token)) {
      return sendFlaskJson(reply, 403, { error: 'CSRF token validation failed' })
    }
    const nowMs = Date.now()
    const recent = (hits.get(request.ip) ?? []).filter((at) => nowMs - at < V2_RATE_LIMIT.windowMs)
    if (recent.length >= V2_RATE_LIMIT.requests) {
      hits.set(request.ip, recent)
      return sendFlaskJson(reply, 429, { error: 'Rate limit exceeded', retry_after: 60 })
    }
    hits.set(request.ip, [...recent, nowMs])
    return reply.code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-accel-buffering', 'no')
      .header('x-service-version', 'v2-new')
      // A stream, not a string: legacy answers chunked, without Content-Length.
      .send(Readable.from([`data: ${pythonJsonDumps({ error: STREAM_ERROR })}\n\n`]))
  })
}
