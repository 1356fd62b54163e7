/**
 * The listener's side of a shutdown (server.ts orders the steps): which responses are still
 * open, how to end an SSE stream so the client sees it end rather than a reset, and how to cut
 * what is left. It works on the Node server under Fastify, plain HTTP/1.1 or HTTPS with HTTP/2
 * beside HTTP/1.1, without a hook in the request path: one Map entry and two listeners per
 * response.
 *
 * While draining, every HTTP/1.1 response not yet begun carries `Connection: close`, and an
 * HTTP/2 session is sent GOAWAY as soon as it has no response open, so clients take their next
 * request elsewhere (nginx and Envoy do the same when they drain). While the listener is open a
 * busy session keeps serving without GOAWAY, because some clients (undici's) fail their streams in
 * flight on one; when it closes every session gets GOAWAY, or its new streams would only get
 * Fastify's 503: its streams in flight go on for a client that follows the protocol.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse, Http2Session } from 'node:http2'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'

type Request = IncomingMessage | Http2ServerRequest
type Response = ServerResponse | Http2ServerResponse

export interface DrainTracker {
  /** From now on responses close their connection (HTTP/1.1), or their session once it is idle (HTTP/2). */
  startDraining: () => void
  /** The listener has closed: idle HTTP/1.1 connections close, every HTTP/2 session gets GOAWAY. */
  closeIdle: () => void
  /** Responses begun and not yet ended. */
  readonly open: number
  /**
   * Ends every SSE response still open (its upstream body is let go; the client gets the end
   * of the stream) and waits up to `flushMs` for them to be written out. Returns how many.
   */
  endEventStreams: (flushMs: number) => Promise<number>
  /** Destroys every connection still open; returns how many responses were cut. */
  cutAll: () => number
}

interface Open {
  /** The HTTP/2 session the response's stream belongs to; undefined for HTTP/1.x. */
  session: Http2Session | undefined
  /** What Fastify pipes into the response (the upstream body), once it does. */
  source: Readable | null
}

const isEventStream = (response: Response): boolean =>
  /^text\/event-stream\b/i.test(String(response.getHeader('content-type') ?? ''))

export function trackDrain (server: Server | Http2SecureServer): DrainTracker {
  const responses = new Map<Response, Open>()
  const sockets = new Set<Socket>()
  /** Each HTTP/2 session, with how many of its responses are open. */
  const sessions = new Map<Http2Session, number>()
  const http1 = server as Partial<Pick<Server, 'closeIdleConnections' | 'closeAllConnections'>>
  let draining = false
  let listenerClosed = false

  /** GOAWAY once nothing is open on the session: no new streams, and it closes. */
  const closeIfIdle = (session: Http2Session): void => {
    if (sessions.get(session) === 0 && !session.closed && !session.destroyed) session.close()
  }

  /** Ends what a finished response leaves idle, while draining. */
  const afterResponse = (session: Http2Session | undefined): void => {
    if (!draining) return
    if (session !== undefined) closeIfIdle(session)
    else http1.closeIdleConnections?.call(server)
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('session', (session: Http2Session) => {
    sessions.set(session, 0)
    session.once('close', () => sessions.delete(session))
    // Accepted in the moment before the listener stopped accepting.
    if (listenerClosed) session.close()
  })
  // Before Fastify's own listener, so a response is known (and marked) before it can begin.
  server.prependListener('request', (request: Request, response: Response) => {
    // Taken now: a stream has left its session by the time its response closes.
    const session = (request as Http2ServerRequest).stream?.session
    const entry: Open = { session, source: null }
    responses.set(response, entry)
    if (session !== undefined) sessions.set(session, (sessions.get(session) ?? 0) + 1)
    else if (draining && !response.headersSent) response.setHeader('connection', 'close')
    response.on('pipe', (source: Readable) => { entry.source = source })
    response.once('close', () => {
      responses.delete(response)
      if (session !== undefined) sessions.set(session, (sessions.get(session) ?? 1) - 1)
      afterResponse(session)
    })
  })

  return {
    startDraining () {
      draining = true
      for (const [response, { session }] of responses) {
        if (session === undefined && !response.headersSent) response.setHeader('connection', 'close')
      }
    },
    closeIdle () {
      listenerClosed = true
      http1.closeIdleConnections?.call(server)
      for (const session of sessions.keys()) if (!session.closed && !session.destroyed) session.close()
    },
    get open () { return responses.size },
    async endEventStreams (flushMs) {
      const ending: Array<Promise<void>> = []
      for (const [response, entry] of responses) {
        if (!response.headersSent || response.writableEnded || !isEventStream(response)) continue
        // Unpiped first, so no chunk is written after the end; Fastify then destroys the source,
        // which lets the upstream call go.
        entry.source?.unpipe(response as ServerResponse)
        ending.push(new Promise<void>((resolve) => {
          response.once('close', resolve)
          response.end()
        }))
      }
      if (ending.length > 0) {
        let timer: NodeJS.Timeout | undefined
        await Promise.race([Promise.all(ending), new Promise<void>((resolve) => { timer = setTimeout(resolve, flushMs) })])
        clearTimeout(timer)
      }
      return ending.length
    },
    cutAll () {
      const cut = responses.size
      for (const session of sessions.keys()) session.destroy()
      http1.closeAllConnections?.call(server)
      for (const socket of sockets) socket.destroy()
      return cut
    }
  }
}
