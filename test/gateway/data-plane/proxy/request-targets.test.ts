/**
 * Request targets and bodies as real clients send them, over raw sockets: absolute form
 * (RFC 9112 section 3.2.2), HTTP/1.0, a missing Host, pipelining, and a chunked body over
 * limits.bodyBytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { startGateway } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { rawExchange } from './raw-http.js'

async function gateway (t: Test, extra: Record<string, unknown> = {}, legacyHandler = namedUpstream('legacy')) {
  const legacy = await startServer(legacyHandler)
  t.teardown(legacy.close)
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { n: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/n/*', feature: 'n' }],
    ...extra
  })
  t.teardown(() => app.close())
  return Number(new URL(url).port)
}

t.test('an absolute-form target is routed and forwarded as its origin form, Host from its authority', async (t) => {
  const port = await gateway(t)
  const origin = await rawExchange(port, 'GET /api/n/abs?x=1 HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n')
  const absolute = await rawExchange(port, 'GET http://evil.example/api/n/abs?x=1 HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n')
  t.equal(origin.headers['x-served-by'], 'new')
  t.equal(absolute.headers['x-served-by'], 'new', 'the same route, flag and canary as the origin form')
  const seen = JSON.parse(absolute.body) as { upstream: string, url: string, headers: Record<string, string> }
  t.equal(seen.url, '/api/n/abs?x=1', 'the upstream gets the origin form')
  t.equal(seen.headers.host, 'evil.example', "the target's authority replaced Host")
  t.equal(seen.headers['x-forwarded-host'], 'evil.example')
  const bare = await rawExchange(port, 'GET http://evil.example HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n')
  t.equal((JSON.parse(bare.body) as { url: string }).url, '/', 'an empty path is /')
})

t.test('HTTP/1.0 without Host is proxied; the answer closes the connection', async (t) => {
  const port = await gateway(t)
  const answer = await rawExchange(port, 'GET /api/other HTTP/1.0\r\n\r\n')
  t.equal(answer.status, 200)
  t.match(answer.head, /^HTTP\/1\.1 200/)
  t.equal((JSON.parse(answer.body) as { upstream: string }).upstream, 'legacy')
})

t.test('HTTP/1.1 without Host is a 400, as RFC 9112 section 3.2 requires', async (t) => {
  const port = await gateway(t)
  const answer = await rawExchange(port, 'GET /api/other HTTP/1.1\r\nConnection: close\r\n\r\n')
  t.equal(answer.status, 400)
})

t.test('pipelined requests are answered in order', async (t) => {
  const port = await gateway(t)
  const answer = await rawExchange(port,
    'GET /api/n/one HTTP/1.1\r\nHost: gw.test\r\n\r\nGET /api/two HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n')
  const statuses = [...answer.raw.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1])
  t.same(statuses, ['200', '200'])
  const first = answer.raw.indexOf('"upstream":"new"')
  const second = answer.raw.indexOf('"upstream":"legacy"')
  t.ok(first !== -1 && second > first, 'new answered the first, legacy the second, in that order')
})

t.test('a chunked body over limits.bodyBytes gets 413, and the upstream never gets a whole request', async (t) => {
  const completed: string[] = []
  const port = await gateway(t, { limits: { bodyBytes: 1024 } }, (req: IncomingMessage, res: ServerResponse) => {
    req.on('data', () => {})
    req.on('end', () => { completed.push(req.url ?? ''); res.end('acted on it') })
    req.on('error', () => {})
  })
  const chunk = 'a'.repeat(600)
  const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`
  const answer = await rawExchange(port, `POST /api/upload HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}`)
  t.equal(answer.status, 413)
  t.match(JSON.parse(answer.body), { code: 'GW_ERR_BODY_TOO_LARGE' })
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(completed, [], 'the upstream saw no complete request: the half-sent body was cut off')
})
