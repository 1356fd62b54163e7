/**
 * What each kind of request leaves in its trace: the routing reason (env flag, canary bucket,
 * tester pin), a client's unsampled trace passed on unsampled (its shadow unsampled too), an
 * upstream that cannot be reached, the gateway's own routes, and a response the client cut.
 */
import type { IncomingHttpHeaders } from 'node:http'
import pino from 'pino'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { createTracing } from '../../../../gateway/runtime/tracing-provider.js'
import { canaryBucket } from '../../../../gateway/data-plane/routing/canary.js'
import type { GatewayOptions } from '../../../../gateway/data-plane/build-gateway.js'
import { startGateway, type TestRoutes } from '../../../helpers/gateway.js'
import { freePort, startServer } from '../../../helpers/http-server.js'
import { SPAN_KIND, STATUS_ERROR, startOtlpReceiver, type OtlpReceiver } from '../../../helpers/otlp-receiver.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

async function setup (t: Test, routes: Omit<TestRoutes, 'legacy' | 'new'>, options: Partial<GatewayOptions> = {}, sampler = 'parentbased_always_on') {
  const receiver: OtlpReceiver = await startOtlpReceiver(t)
  const seen: Array<{ url: string, headers: IncomingHttpHeaders }> = []
  const upstream = await startServer((req, res) => {
    if (req.url !== '/health') seen.push({ url: String(req.url), headers: req.headers })
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: {}\n\n')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  const tracing = createTracing({ env: { OTEL_TRACES_SAMPLER: sampler }, url: receiver.endpoint, log: pino({ level: 'silent' }) })
  const { app, url } = await startGateway({ legacy: upstream.url, new: upstream.url, ...routes }, { tracing, ...options })
  // In this order: spans still open end, then go out while the receiver listens.
  t.teardown(async () => {
    await app.close()
    await upstream.close()
    await tracing.shutdown()
    await receiver.close()
  })
  const spans = async (): Promise<OtlpReceiver['spans']> => {
    await shadowsSettled(app)
    await tracing.flush()
    return receiver.spans
  }
  return { app, url, seen, spans }
}

const get = async (url: string, headers: Record<string, string> = {}): Promise<void> => {
  const response = await request(url, { headers })
  await response.body.text()
}

t.test('the routing reason: a flag from the environment, a canary bucket, a tester pin', async (t) => {
  const { app, url, spans } = await setup(t, {
    features: { chat: { enabled: true, canary: 50 }, watch: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
  }, { env: { USE_NEW_WATCH: 'false', GATEWAY_PIN_SECRET: 'pin-secret' } })
  await get(`${url}/api/watch/next`)
  await get(`${url}/api/chat`, { cookie: 'session=abc' })
  await get(`${url}/api/chat`, { 'x-gateway-pin': app.gateway.pins.issue('chat', 'new', 60).token })
  const servers = (await spans()).filter((s) => s.kind === SPAN_KIND.SERVER)
  t.equal(servers.length, 3)
  t.match(servers[0].attributes, { 'strangler.routing.reason': 'flag-off', 'strangler.flag.source': 'env', 'strangler.feature': 'watch', 'http.route': '/api/watch/*' })
  t.equal(servers[0].name, 'GET /api/watch/*')
  const bucket = canaryBucket('abc')
  t.match(servers[1].attributes, {
    'strangler.routing.reason': bucket < 50 ? 'canary-in' : 'canary-out',
    'strangler.canary.bucket': bucket,
    'strangler.canary.percent': 50,
    'strangler.flag.source': 'yaml'
  })
  t.match(servers[2].attributes, { 'strangler.routing.reason': 'pin', 'strangler.routing.target': 'new', 'strangler.served_by': 'new' })
  t.notOk('strangler.flag.source' in servers[2].attributes, 'a pin decides before any flag')
})

t.test("a client's unsampled trace goes on unsampled, to the user's upstream and to the shadow's", async (t) => {
  const { url, seen, spans } = await setup(t, {
    features: { chat: { enabled: false, shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  })
  const traceId = '0af7651916cd43dd8448eb211c80319c'
  await get(`${url}/api/chat`, { traceparent: `00-${traceId}-b7ad6b7169203331-00` })
  t.same(await spans(), [], 'nothing recorded')
  t.equal(seen.length, 2, 'the request and its shadow')
  const live = seen.find((s) => s.headers['x-shadow-request'] === undefined)
  const shadow = seen.find((s) => s.headers['x-shadow-request'] === '1')
  t.match(live?.headers.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`), 'same trace, not sampled')
  t.match(shadow?.headers.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, "the shadow's own trace, not sampled")
  t.not(String(shadow?.headers.traceparent).split('-')[1], traceId)
})

t.test('an upstream that cannot be reached: the call span has the error type, the server span the status', async (t) => {
  const port = await freePort()
  const receiver = await startOtlpReceiver(t)
  const tracing = createTracing({ env: {}, url: receiver.endpoint, log: pino({ level: 'silent' }) })
  t.teardown(() => tracing.shutdown())
  const { app, url } = await startGateway({ legacy: `http://127.0.0.1:${port}`, new: `http://127.0.0.1:${port}` }, { tracing })
  t.teardown(() => app.close())
  const response = await request(`${url}/api/x`)
  t.equal(response.statusCode, 502)
  await response.body.text()
  await tracing.flush()
  const client = receiver.spans.find((s) => s.kind === SPAN_KIND.CLIENT)
  t.match(client, { status: { code: STATUS_ERROR }, attributes: { 'error.type': 'ECONNREFUSED', 'strangler.upstream': 'legacy' } })
  const server = receiver.spans.find((s) => s.kind === SPAN_KIND.SERVER)
  t.match(server, { status: { code: STATUS_ERROR }, attributes: { 'http.response.status_code': 502, 'error.type': '502', 'strangler.routing.reason': 'unmatched' } })
})

t.test("the gateway's own routes are spans of their own route; a response the client cut is marked incomplete", async (t) => {
  const { url, spans } = await setup(t, {})
  // Its own connection: a kept-alive one that a cut stream then reuses holds app.close() for the keep-alive timeout.
  const health = await request(`${url}/health`, { reset: true })
  await health.body.text()
  const stream = await request(`${url}/stream`)
  t.equal(stream.statusCode, 200)
  stream.body.destroy()
  // The gateway sees the connection go.
  await new Promise((resolve) => setTimeout(resolve, 200))
  const servers = (await spans()).filter((s) => s.kind === SPAN_KIND.SERVER)
  const healthSpan = servers.find((s) => s.name === 'GET /health')
  t.match(healthSpan?.attributes, { 'http.route': '/health', 'http.response.status_code': 200 })
  t.notOk(healthSpan !== undefined && 'strangler.routing.reason' in healthSpan.attributes, 'no routing decision on it')
  const cut = servers.find((s) => s.attributes['url.path'] === '/stream')
  t.match(cut, { status: { code: STATUS_ERROR }, attributes: { 'error.type': 'response_incomplete' } })
})

t.test('a shadow dropped before it ran has no span of its own: the drop is on the server span', async (t) => {
  const { url, spans } = await setup(t, {
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat', methods: ['POST'], feature: 'chat', shadowSafe: true }],
    shadow: { requestBodyBytes: 4 }
  })
  const response = await request(`${url}/api/chat`, { method: 'POST', body: '{"message":"longer than four bytes"}' })
  await response.body.text()
  const all = await spans()
  t.same(all.filter((s) => s.name.startsWith('shadow ')), [], 'no shadow span')
  const server = all.find((s) => s.kind === SPAN_KIND.SERVER)
  t.match(server?.attributes, { 'strangler.shadow.sampled': true, 'strangler.shadow.outcome': 'dropped', 'strangler.shadow.drop_reason': 'body_too_large' })
})

t.test('an unsampled request: no span, and every upstream call (a fallback: new, then legacy) carries the same unsampled traceparent', async (t) => {
  const receiver = await startOtlpReceiver(t)
  const seen: Array<{ side: string, traceparent: string | undefined }> = []
  const legacy = await startServer((req, res) => {
    seen.push({ side: 'legacy', traceparent: req.headers.traceparent as string | undefined })
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  const candidate = await startServer((req, res) => {
    seen.push({ side: 'new', traceparent: req.headers.traceparent as string | undefined })
    res.writeHead(503).end()
  })
  const tracing = createTracing({ env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, url: receiver.endpoint, log: pino({ level: 'silent' }) })
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }, { tracing })
  t.teardown(async () => {
    await app.close()
    await legacy.close()
    await candidate.close()
    await tracing.shutdown()
    await receiver.close()
  })
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const response = await request(`${url}/api/chat`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00`, tracestate: 'vendor=1' } })
  t.equal(response.headers['x-served-by'], 'legacy-fallback')
  await response.body.text()
  await tracing.flush()
  t.same(receiver.spans, [], 'nothing recorded')
  t.same(seen.map((s) => s.side), ['new', 'legacy'])
  t.match(seen[0].traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`), 'the client\'s trace, not sampled')
  t.not(seen[0].traceparent?.split('-')[2], '00f067aa0ba902b7', "the gateway's span as parent, not the client's")
  t.equal(seen[1].traceparent, seen[0].traceparent, 'the same on the fallback call')
})
