/**
 * An upstream's answer to the client on the raw response: its headers in one writeHead and its
 * body piped. Fastify's `reply.send(stream)` costs more per request (two end-of-stream watchers,
 * a setHeader per header, the onSend hook chain, which no proxied route uses). The reply is
 * hijacked, so Fastify writes nothing more; its onResponse hooks (metrics, the slow-response log,
 * the report's recorder) still run when the response finishes, as they did.
 *
 * A body that fails once the headers are out ends the response short (no made-up success: the
 * client sees the cut) and is logged as Fastify logs it.
 */
import type { Http2ServerResponse } from 'node:http2'
import type { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import { clientResponseHeaders } from './headers.js'

const REPLY = Symbol('reply')
const BODY = Symbol('body')
type AnsweringBody = Readable & { [REPLY]?: FastifyReply }
type Answered = FastifyReply['raw'] & { [BODY]?: Readable }

// A response closed before its body was all read (the client gone, or a shutdown ending an SSE
// stream after unpiping it): the body is let go, as Fastify's stream path does.
function onResponseClose (this: Answered): void {
  const body = this[BODY]
  if (body !== undefined && !body.readableEnded) body.destroy()
}

/** An HTTP/2 response has no `destroyed` of its own: its stream's says it. */
const clientGone = (res: FastifyReply['raw']): boolean =>
  'stream' in res ? (res as unknown as Http2ServerResponse).stream.destroyed : res.destroyed

// One shared listener, `this` the body, rather than a closure per request.
function onBodyError (this: AnsweringBody, err: Error): void {
  const reply = this[REPLY]
  // A client gone first aborted the upstream call (client-abort.ts): nothing to log or end.
  if (reply === undefined || clientGone(reply.raw)) return
  reply.log.warn({ err }, 'response terminated with an error with headers already sent')
  reply.raw.destroy()
}

const isEventStream = (contentType: string | string[] | undefined): boolean =>
  typeof contentType === 'string' && /^text\/event-stream\b/i.test(contentType)

export function sendAnswer (reply: FastifyReply, status: number, upstreamHeaders: Record<string, string | string[] | undefined>, body: Readable): FastifyReply {
  // The gateway's own headers (request id, served by), then the upstream's, as reply.headers() merged them.
  const headers = reply.getHeaders() as Record<string, string | string[]>
  const upstream = clientResponseHeaders(upstreamHeaders)
  for (const name in upstream) headers[name] = upstream[name]
  reply.hijack()
  const res = reply.raw
  if (isEventStream(headers['content-type'])) {
    // Headers given to writeHead are not readable back; a shutdown finds SSE streams by
    // getHeader('content-type') to end them cleanly (runtime/drain.ts). Streams are few and long.
    for (const name in headers) res.setHeader(name, headers[name])
    res.writeHead(status)
  } else {
    res.writeHead(status, headers)
  }
  const answering = body as AnsweringBody
  answering[REPLY] = reply
  answering.once('error', onBodyError)
  ;(res as Answered)[BODY] = answering
  res.once('close', onResponseClose)
  answering.pipe(res)
  return reply
}
