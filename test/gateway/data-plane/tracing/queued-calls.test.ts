/**
 * Regression: a call that waits in its upstream pool's queue (every connection busy) is created
 * by undici later, from whichever request's turn freed a connection. It must still carry its own
 * request's trace, not that other request's, and its span must be its own request's child.
 */
import type { IncomingHttpHeaders } from 'node:http'
import pino from 'pino'
import t from 'tap'
import { request } from 'undici'
import { createTracing } from '../../../../gateway/runtime/tracing-provider.js'
import { startGateway } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'
import { SPAN_KIND, startOtlpReceiver } from '../../../helpers/otlp-receiver.js'

t.test('calls queued behind a one-connection pool keep their own request\'s trace', async (t) => {
  const receiver = await startOtlpReceiver(t)
  const seen: IncomingHttpHeaders[] = []
  const upstream = await startServer((req, res) => {
    seen.push(req.headers)
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 30)
  })
  t.teardown(upstream.close)
  const tracing = createTracing({ env: { OTEL_TRACES_SAMPLER: 'always_on' }, url: receiver.endpoint, log: pino({ level: 'silent' }) })
  const { app, url } = await startGateway({
    legacy: upstream.url,
    new: upstream.url,
    upstreams: { legacy: { url: upstream.url, connections: 1 }, new: { url: upstream.url } }
  }, { tracing })
  t.teardown(async () => {
    await app.close()
    await tracing.shutdown()
  })
  const traceOf = (n: number): string => `${String(n).padStart(2, '0')}${'a'.repeat(30)}`
  await Promise.all([1, 2, 3, 4].map(async (n) => {
    const response = await request(`${url}/api/x`, { headers: { traceparent: `00-${traceOf(n)}-${'b'.repeat(16)}-01`, 'x-request-id': `req-${n}` } })
    await response.body.text()
  }))
  await tracing.flush()
  t.equal(seen.length, 4)
  for (const headers of seen) {
    const n = Number(String(headers['x-request-id']).slice(4))
    t.equal(String(headers.traceparent).split('-')[1], traceOf(n), `request ${n} carried its own trace`)
  }
  const servers = receiver.spans.filter((s) => s.kind === SPAN_KIND.SERVER)
  for (const client of receiver.spans.filter((s) => s.kind === SPAN_KIND.CLIENT)) {
    const parent = servers.find((s) => s.spanId === client.parentSpanId)
    t.equal(parent?.traceId, client.traceId, 'a child of its own request\'s server span')
  }
})
