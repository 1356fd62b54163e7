/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1) stop at the gateway in both directions: the fixed
 * list, and every header the Connection header names. End-to-end headers pass unchanged.
 * Header names arrive lower-cased, as Node's parser and undici give them.
 */
import type { IncomingHttpHeaders } from 'node:http'
import t from 'tap'
import { clientResponseHeaders, upstreamRequestHeaders } from '../../../../gateway/data-plane/proxy/headers.js'

const info = { remoteAddress: '10.0.0.7', protocol: 'http' as const, requestId: 'req-1' }

/** What the gateway adds to every upstream request, for a request with Host `gw.test` (forwarding.ts). */
const ADDED = {
  'x-forwarded-for': '10.0.0.7',
  'x-forwarded-proto': 'http',
  'x-forwarded-host': 'gw.test',
  'x-real-ip': '10.0.0.7',
  forwarded: 'for=10.0.0.7;host="gw.test";proto=http',
  'x-request-id': 'req-1'
}

const HOP_BY_HOP_REQUEST: IncomingHttpHeaders = {
  connection: 'keep-alive',
  'keep-alive': 'timeout=5, max=100',
  'proxy-connection': 'keep-alive',
  te: 'trailers',
  'transfer-encoding': 'chunked',
  upgrade: 'websocket',
  trailer: 'x-checksum',
  'proxy-authorization': 'Basic Zm9vOmJhcg=='
}

const END_TO_END_REQUEST: IncomingHttpHeaders = {
  host: 'gw.test',
  accept: 'application/json',
  'accept-encoding': 'gzip',
  'content-type': 'application/json',
  'content-length': '19',
  cookie: 'session=abc; theme=dark',
  authorization: 'Bearer token',
  'user-agent': 'test/1.0',
  'x-custom': 'kept'
}

t.test('request: the fixed hop-by-hop headers are removed, end-to-end ones kept as they are', async (t) => {
  const out = upstreamRequestHeaders({ ...HOP_BY_HOP_REQUEST, ...END_TO_END_REQUEST }, info)
  t.same(out, { ...END_TO_END_REQUEST, ...ADDED })
  for (const name of Object.keys(HOP_BY_HOP_REQUEST)) t.notOk(name in out, `${name} is not forwarded`)
})

t.test('request: every header named in Connection is removed too', async (t) => {
  const out = upstreamRequestHeaders({
    ...END_TO_END_REQUEST,
    connection: 'Keep-Alive,  X-Hop-One , x-hop-two,,close',
    'keep-alive': 'timeout=5',
    'x-hop-one': '1',
    'x-hop-two': '2'
  }, info)
  t.same(out, { ...END_TO_END_REQUEST, ...ADDED }, 'named case-insensitively, with spaces and empty items')
})

t.test('request: Connection can name an otherwise end-to-end header', async (t) => {
  const out = upstreamRequestHeaders({ ...END_TO_END_REQUEST, connection: 'cookie, x-custom' }, info)
  t.notOk('cookie' in out, 'cookie named in Connection is dropped')
  t.notOk('x-custom' in out, 'x-custom named in Connection is dropped')
  t.equal(out.accept, 'application/json', 'headers not named stay')
  t.equal(out.authorization, 'Bearer token')
})

t.test('request: Connection given more than once (an array) counts every value', async (t) => {
  const out = upstreamRequestHeaders({
    host: 'gw.test',
    connection: ['x-a', 'X-B, keep-alive'] as unknown as string,
    'x-a': '1',
    'x-b': '2',
    'x-c': '3'
  }, info)
  t.same(out, { host: 'gw.test', 'x-c': '3', ...ADDED })
})

t.test('request: "Connection: close" or "keep-alive" alone removes only the fixed list', async (t) => {
  for (const connection of ['close', 'keep-alive', 'Close', 'keep-alive, close']) {
    const out = upstreamRequestHeaders({ ...END_TO_END_REQUEST, connection }, info)
    t.same(out, { ...END_TO_END_REQUEST, ...ADDED }, `Connection: ${connection}`)
  }
})

t.test('request: array values of end-to-end headers pass unchanged', async (t) => {
  const out = upstreamRequestHeaders({ host: 'gw.test', 'x-multi': ['a', 'b'] as unknown as string, 'transfer-encoding': 'chunked' }, info)
  t.same(out['x-multi'], ['a', 'b'])
  t.notOk('transfer-encoding' in out)
})

t.test('request: a header named in Connection is not forwarded even when the gateway appends to it (X-Forwarded-For)', async (t) => {
  const out = upstreamRequestHeaders({ host: 'gw.test', connection: 'x-forwarded-for', 'x-forwarded-for': '6.6.6.6' }, info)
  t.equal(out['x-forwarded-for'], '10.0.0.7', 'only the gateway\'s own hop remains')
})

const HOP_BY_HOP_RESPONSE = {
  connection: 'keep-alive',
  'keep-alive': 'timeout=5',
  'proxy-connection': 'keep-alive',
  te: 'trailers',
  'transfer-encoding': 'chunked',
  upgrade: 'h2c',
  trailer: 'expires',
  'proxy-authenticate': 'Basic realm="upstream"'
}

const END_TO_END_RESPONSE = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': '42',
  'cache-control': 'no-store',
  'set-cookie': ['session=abc; HttpOnly; Path=/', 'theme=dark; Path=/'],
  vary: 'Cookie',
  etag: '"v1"',
  date: 'Tue, 01 Jul 2025 10:00:00 GMT',
  'x-upstream': 'legacy'
}

t.test('response: the fixed hop-by-hop headers are removed, end-to-end ones kept as they are', async (t) => {
  const out = clientResponseHeaders({ ...HOP_BY_HOP_RESPONSE, ...END_TO_END_RESPONSE })
  t.same(out, END_TO_END_RESPONSE)
  for (const name of Object.keys(HOP_BY_HOP_RESPONSE)) t.notOk(name in out, `${name} is not passed to the client`)
  t.same(out['set-cookie'], END_TO_END_RESPONSE['set-cookie'], 'several Set-Cookie values stay separate')
})

t.test('response: every header named in Connection is removed too', async (t) => {
  const out = clientResponseHeaders({
    ...END_TO_END_RESPONSE,
    connection: 'close, X-Upstream-Hop, x-debug',
    'x-upstream-hop': 'a',
    'x-debug': 'b'
  })
  t.same(out, END_TO_END_RESPONSE)
})

t.test('response: Connection can name an otherwise end-to-end header', async (t) => {
  const out = clientResponseHeaders({ ...END_TO_END_RESPONSE, connection: 'etag, Vary' })
  t.notOk('etag' in out)
  t.notOk('vary' in out)
  t.equal(out['content-type'], 'application/json; charset=utf-8')
})

t.test('response: Connection as an array, and undefined values', async (t) => {
  const out = clientResponseHeaders({ connection: ['x-a', 'x-b'], 'x-a': '1', 'x-b': '2', 'x-c': '3', 'x-gone': undefined })
  t.same(out, { 'x-c': '3' })
})

t.test('response: "Connection: close" or "keep-alive" alone removes only the fixed list', async (t) => {
  for (const connection of ['close', 'keep-alive', 'Keep-Alive']) {
    t.same(clientResponseHeaders({ ...END_TO_END_RESPONSE, connection, 'keep-alive': 'timeout=5' }), END_TO_END_RESPONSE, `Connection: ${connection}`)
  }
})

t.test('neither function changes its input', async (t) => {
  const request: IncomingHttpHeaders = { ...HOP_BY_HOP_REQUEST, ...END_TO_END_REQUEST, connection: 'x-a', 'x-a': '1' }
  const requestCopy = structuredClone(request)
  upstreamRequestHeaders(request, info)
  t.same(request, requestCopy)
  const response = { ...HOP_BY_HOP_RESPONSE, ...END_TO_END_RESPONSE }
  const responseCopy = structuredClone(response)
  clientResponseHeaders(response)
  t.same(response, responseCopy)
})
