/**
 * `Expect: 100-continue` (RFC 9110 section 10.1.1), answered at the edge: `100 Continue` at
 * once, as Envoy does, or, when the declared length is over limits.bodyBytes, the final 413
 * instead, as nginx does, so the client never sends a body that would be refused. The Expect
 * header itself is never forwarded (headers.ts): the gateway has answered it, and undici
 * refuses to send it.
 */
import type { FastifyInstance } from 'fastify'
import { BodyTooLargeError } from '../../core/errors.js'
import { declaredLength } from './request-body-stream.js'

export function answerExpectContinue (app: FastifyInstance, limitBytes: () => number): void {
  // With a listener, Node no longer writes the 100 itself nor emits 'request' for these.
  app.server.on('checkContinue', (req, res) => {
    const limit = limitBytes()
    const length = declaredLength(req)
    if (length !== undefined && length > limit) {
      const error = new BodyTooLargeError(limit)
      const body = JSON.stringify({ statusCode: 413, code: error.code, error: 'Payload Too Large', message: error.message })
      // The body the client held back never comes: the connection ends with this answer.
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
      res.end(body)
      return
    }
    res.writeContinue()
    app.routing(req, res)
  })
}
