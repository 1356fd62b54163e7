/**
 * Upstreams that fail half way, over raw sockets: the client sees the answer end where the
 * upstream's did (never a hang, never a made-up success), and the gateway goes on serving.
 */
import net from 'node:net'
import type { IncomingMessage, ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { startGateway } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'
import { rawExchange } from './raw-http.js'

async function gatewayOver (t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const legacy = await startServer(handler)
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url })
  t.teardown(() => app.close())
  return { app, url, port: Number(new URL(url).port) }
}

const healthy = async (url: string): Promise<number> => {
  const res = await request(`${url}/api/ok`)
  await res.body.dump()
  return res.statusCode
}

t.test('a body cut short by the upstream ends the client\'s answer short too, and the next request is served', async (t) => {
  let calls = 0
  const { url, port } = await gatewayOver(t, (req, res) => {
    calls++
    if (req.url === '/api/ok') return res.end('fine')
    res.writeHead(200, { 'content-length': '100', 'content-type': 'text/plain' })
    res.write('0123456789')
    setTimeout(() => res.socket?.destroy(), 50)
  })
  const answer = await rawExchange(port, 'GET /api/truncated HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n')
  t.equal(answer.status, 200, 'the status was already on its way')
  t.ok(answer.raw.length - answer.raw.indexOf('\r\n\r\n') - 4 < 100, 'fewer bytes than declared: the client can tell')
  t.equal(await healthy(url), 200)
  t.equal(calls, 2)
})

t.test('a stream reset mid-way ends the client\'s chunked answer without its last chunk', async (t) => {
  const { url, port } = await gatewayOver(t, (req, res) => {
    if (req.url === '/api/ok') return res.end('fine')
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write('data: one\n\n')
    setTimeout(() => res.socket?.destroy(), 50)
  })
  const answer = await rawExchange(port, 'GET /api/stream HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n')
  t.equal(answer.status, 200)
  t.match(answer.raw, /data: one/, 'what the upstream sent arrived')
  t.notMatch(answer.raw, /\r\n0\r\n\r\n$/, 'no terminating chunk: the client knows the stream broke')
  t.equal(await healthy(url), 200)
})

t.test('a client that goes away is not counted as an upstream failure', async (t) => {
  const { app, url, port } = await gatewayOver(t, (req, res) => {
    if (req.url === '/api/ok') return res.end('fine')
    setTimeout(() => res.end('late'), 500)
  })
  const socket = net.connect(port, '127.0.0.1')
  socket.write('GET /api/slow HTTP/1.1\r\nHost: gw.test\r\n\r\n')
  await new Promise((resolve) => setTimeout(resolve, 100))
  socket.destroy()
  await new Promise((resolve) => setTimeout(resolve, 700))
  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.notMatch(metrics, /^app_upstream_errors_total\{/m, 'no upstream error recorded')
  t.equal(await healthy(url), 200)
  t.ok(app.server.listening)
})
