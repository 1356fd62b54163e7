/**
 * Tracing end to end, exported over OTLP/HTTP JSON to a real receiver: one proxied request with a
 * shadow gives a server span with the routing decision, a child client span for legacy, and a
 * shadow span in a trace of its own linked to the server span; legacy and new get the trace
 * headers of their own spans; a client's traceparent and tracestate are continued; a fallback
 * and its cause are on the span; the request's log lines carry its trace_id.
 */
import { Writable } from 'node:stream'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import pino from 'pino'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { createTracing } from '../../../../gateway/runtime/tracing-provider.js'
import type { GatewayTracing } from '../../../../gateway/data-plane/tracing/trace-scope.js'
import { startGateway } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'
import { SPAN_KIND, STATUS_ERROR, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../helpers/otlp-receiver.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CLIENT_SPAN = '00f067aa0ba902b7'
const SESSION = 'sess-7f3a9c1e5b'

/** An upstream that keeps the headers of every request it got and answers the same JSON. */
async function recordingUpstream (t: Test, status = 200): Promise<{ url: string, seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = []
  const server = await startServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers)
    req.resume()
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end('{"scenarios":[1,2,3]}')
    })
  })
  t.teardown(server.close)
  return { url: server.url, seen }
}

function tracingTo (t: Test, receiver: OtlpReceiver): GatewayTracing {
  const tracing = createTracing({ env: { OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'gateway-under-test' }, url: receiver.endpoint, log: pino({ level: 'silent' }) })
  t.teardown(() => tracing.shutdown())
  return tracing
}

const traceIdOf = (traceparent: unknown): string => String(traceparent).split('-')[1]
const parentIdOf = (traceparent: unknown): string => String(traceparent).split('-')[2]
const only = (t: Test, spans: ReceivedSpan[], what: string): ReceivedSpan => {
  t.equal(spans.length, 1, `one ${what}`)
  return spans[0]
}

t.test('a shadowed request: server span, child upstream span, a linked shadow span, and the trace headers upstream', async (t) => {
  const receiver = await startOtlpReceiver(t)
  const legacy = await recordingUpstream(t)
  const candidate = await recordingUpstream(t)
  const tracing = tracingTo(t, receiver)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { scenario: { enabled: false, shadow: { sample: 100 } } },
    routes: [{ path: '/api/scenarios', feature: 'scenario' }]
  }, { tracing })
  t.teardown(() => app.close())

  const response = await request(`${url}/api/scenarios?token=query-secret`, {
    headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, tracestate: 'vendor=opaque', cookie: `session=${SESSION}` }
  })
  t.equal(response.statusCode, 200)
  await response.body.text()
  await shadowsSettled(app)
  await tracing.flush()

  const server = only(t, receiver.spans.filter((s) => s.kind === SPAN_KIND.SERVER), 'server span')
  t.equal(server.traceId, CLIENT_TRACE, "the client's trace is continued")
  t.equal(server.parentSpanId, CLIENT_SPAN, "the server span's parent is the client's span")
  t.equal(server.name, 'GET /api/scenarios')
  t.match(server.attributes, {
    'http.request.method': 'GET',
    'url.path': '/api/scenarios',
    'url.scheme': 'http',
    'http.route': '/api/scenarios',
    'http.response.status_code': 200,
    'server.address': '127.0.0.1',
    'strangler.feature': 'scenario',
    'strangler.routing.reason': 'flag-off',
    'strangler.routing.target': 'legacy',
    'strangler.flag.source': 'yaml',
    'strangler.served_by': 'legacy',
    'strangler.shadow.sampled': true
  })
  t.equal(server.resource['service.name'], 'gateway-under-test')

  const clients = receiver.spans.filter((s) => s.kind === SPAN_KIND.CLIENT)
  const toLegacy = only(t, clients.filter((s) => s.attributes['strangler.upstream'] === 'legacy'), 'call to legacy')
  t.equal(toLegacy.traceId, CLIENT_TRACE)
  t.equal(toLegacy.parentSpanId, server.spanId, 'the upstream call is a child of the server span')
  t.match(toLegacy.attributes, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'url.full': `${legacy.url}/api/scenarios` })
  t.equal(traceIdOf(legacy.seen[0].traceparent), CLIENT_TRACE, 'legacy got the same trace id')
  t.equal(parentIdOf(legacy.seen[0].traceparent), toLegacy.spanId, "legacy's parent is the gateway's upstream span")
  t.equal(legacy.seen[0].tracestate, 'vendor=opaque', 'tracestate passed on')

  const shadow = only(t, receiver.spans.filter((s) => s.name.startsWith('shadow ')), 'shadow span')
  t.not(shadow.traceId, CLIENT_TRACE, "the shadow is not in the user's trace")
  t.equal(shadow.parentSpanId, undefined, 'the shadow span is a root')
  t.same(shadow.links.map((l) => [l.traceId, l.spanId, l.attributes['strangler.link']]), [[CLIENT_TRACE, server.spanId, 'shadow_of']], 'linked to the server span')
  t.match(shadow.attributes, { 'strangler.feature': 'scenario', 'strangler.shadow.verdict': 'equal', 'strangler.shadow.outcome': 'compared', 'strangler.shadow.differences': 0 })
  const toNew = only(t, clients.filter((s) => s.attributes['strangler.upstream'] === 'new'), 'shadow call to new')
  t.equal(toNew.traceId, shadow.traceId)
  t.equal(toNew.parentSpanId, shadow.spanId, "the shadow's call is a child of the shadow span")
  t.equal(candidate.seen[0]['x-shadow-request'], '1')
  t.equal(traceIdOf(candidate.seen[0].traceparent), shadow.traceId, "new got the shadow's trace id")
  t.equal(parentIdOf(candidate.seen[0].traceparent), toNew.spanId)
  t.equal(candidate.seen[0].tracestate, undefined, "the client's tracestate belongs to the user's trace, not the shadow's")

  const sent = receiver.bodies.join('\n')
  t.notOk(sent.includes(SESSION), 'no session id or cookie in any span')
  t.notOk(sent.includes('query-secret'), 'no query string in any span')
  t.notOk(sent.includes('scenarios":[1'), 'no body in any span')
  t.ok(receiver.contentTypes.every((type) => type.startsWith('application/json')), 'exported as OTLP/HTTP JSON')
})

t.test('without a traceparent the gateway starts the trace; a fallback and its cause are on the span; log lines carry trace_id', async (t) => {
  const receiver = await startOtlpReceiver(t)
  const legacy = await recordingUpstream(t)
  const candidate = await recordingUpstream(t, 503)
  const tracing = tracingTo(t, receiver)
  const lines: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'info' }, new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    }
  }))
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100, fallback: true } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }, { tracing, logger })
  t.teardown(() => app.close())

  const response = await request(`${url}/api/chat`)
  t.equal(response.headers['x-served-by'], 'legacy-fallback')
  await response.body.text()
  await tracing.flush()

  const server = only(t, receiver.spans.filter((s) => s.kind === SPAN_KIND.SERVER), 'server span')
  t.equal(server.parentSpanId, undefined, 'a new trace')
  t.match(server.attributes, {
    'strangler.routing.reason': 'canary-full',
    'strangler.routing.target': 'new',
    'strangler.served_by': 'legacy-fallback',
    'strangler.fallback': true,
    'strangler.fallback.cause': 'HTTP_503',
    'strangler.canary.percent': 100
  })
  const clients = receiver.spans.filter((s) => s.kind === SPAN_KIND.CLIENT)
  t.same(clients.map((s) => s.attributes['strangler.upstream']).sort(), ['legacy', 'new'], 'both calls traced')
  t.ok(clients.every((s) => s.parentSpanId === server.spanId && s.traceId === server.traceId), 'both children of the server span')
  const failed = clients.find((s) => s.attributes['strangler.upstream'] === 'new')
  t.match(failed, { status: { code: STATUS_ERROR }, attributes: { 'http.response.status_code': 503, 'error.type': '503' } })
  t.equal(traceIdOf(candidate.seen[0].traceparent), server.traceId, 'new got the trace id')
  t.equal(traceIdOf(legacy.seen[0].traceparent), server.traceId, 'legacy got the trace id')

  const fallbackLine = lines.find((line) => line.msg === 'new failed; legacy serves')
  t.match(fallbackLine, { trace_id: server.traceId, span_id: server.spanId }, "the request's log line carries its trace")
})
