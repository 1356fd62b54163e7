/**
 * A gateway built without tracing registers nothing for it: no store on Fastify's handler
 * channel or the shadow scope channel, no undici subscriber, and a client's trace headers pass
 * through untouched, as any other header. A traced gateway in the same process gives its
 * bindings back when it closes.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import pino from 'pino'
import t from 'tap'
import { request } from 'undici'
import { SHADOW_SCOPE_CHANNEL } from '../../../../gateway/data-plane/shadow/shadow-scope.js'
import { createTracing } from '../../../../gateway/runtime/tracing-provider.js'
import { startGateway } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

const CHANNELS = ['undici:request:create', 'undici:request:headers', 'tracing:fastify.request.handler:start', `tracing:${SHADOW_SCOPE_CHANNEL}:start`]
const active = (): string[] => CHANNELS.filter((name) => diagnosticsChannel.hasSubscribers(name))

t.test('tracing off: no channel is listened to and trace headers pass through as they came', async (t) => {
  const upstream = await startServer(namedUpstream('legacy'))
  t.teardown(upstream.close)
  const { app, url } = await startGateway({ legacy: upstream.url, new: upstream.url })
  t.teardown(() => app.close())
  t.same(active(), [], 'nothing subscribed or bound')
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  const response = await request(`${url}/api/x`, { headers: { traceparent, tracestate: 'a=b' } })
  const { headers } = await response.body.json() as { headers: Record<string, string> }
  t.equal(headers.traceparent, traceparent, "the client's traceparent, unchanged")
  t.equal(headers.tracestate, 'a=b')
  const plain = await request(`${url}/api/x`)
  t.equal((await plain.body.json() as { headers: Record<string, string> }).headers.traceparent, undefined, 'none added')
})

t.test('a traced gateway binds the channels while it is open, and lets them go when it closes', async (t) => {
  const upstream = await startServer(namedUpstream('legacy'))
  t.teardown(upstream.close)
  const tracing = createTracing({ env: {}, url: 'http://127.0.0.1:9/v1/traces', log: pino({ level: 'silent' }) })
  t.teardown(() => tracing.shutdown())
  const first = await startGateway({ legacy: upstream.url, new: upstream.url }, { tracing })
  const second = await startGateway({ legacy: upstream.url, new: upstream.url }, { tracing })
  t.same(active(), CHANNELS, 'bound while traced gateways are open')
  await first.app.close()
  t.same(active(), CHANNELS, 'still bound for the other one')
  await second.app.close()
  t.same(active(), [], 'all let go')
})

t.test('beside a traced gateway, an untraced one adds nothing to its requests or its shadows', async (t) => {
  const seen: Array<Record<string, unknown>> = []
  const upstream = await startServer((req, res) => {
    seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  t.teardown(upstream.close)
  const tracing = createTracing({ env: {}, url: 'http://127.0.0.1:9/v1/traces', log: pino({ level: 'silent' }) })
  const routes = { legacy: upstream.url, new: upstream.url, features: { chat: { shadow: { sample: 100 } } }, routes: [{ path: '/api/chat', feature: 'chat' }] }
  const traced = await startGateway(routes, { tracing })
  t.teardown(async () => {
    await traced.app.close()
    // Nothing was sampled for export that must go out: a collector is not listening.
    await Promise.race([tracing.shutdown(), new Promise((resolve) => setTimeout(resolve, 100))])
  })
  const plain = await startGateway(routes)
  t.teardown(() => plain.app.close())
  const response = await request(`${plain.url}/api/chat`)
  await response.body.text()
  await shadowsSettled(plain.app)
  t.equal(seen.length, 2, 'the request and its shadow')
  t.same(seen.map((headers) => headers.traceparent), [undefined, undefined], 'no traceparent on either')
})
