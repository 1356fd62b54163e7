import t from 'tap'
import { Pool } from 'undici'
import { callForShadow, type ShadowCallRequest } from '../../../../gateway/data-plane/shadow/shadow-call.js'
import { freePort, startServer } from '../../../helpers/http-server.js'

const request = (overrides: Partial<ShadowCallRequest> = {}): ShadowCallRequest => ({
  method: 'GET',
  path: '/api/scenarios?x=1',
  headers: { 'x-shadow-request': '1' },
  body: null,
  timeoutMs: 2_000,
  responseBodyBytes: 1024,
  ...overrides
})

t.test('the answer comes back whole: status, headers, body and the time it took', async (t) => {
  let seen: { method?: string, url?: string, marker?: string | string[], body: string } = { body: '' }
  const upstream = await startServer((req, res) => {
    req.on('data', (chunk: Buffer) => { seen.body += String(chunk) })
    req.on('end', () => {
      seen = { ...seen, method: req.method, url: req.url, marker: req.headers['x-shadow-request'] }
      res.writeHead(201, { 'content-type': 'application/json', 'x-one': 'a' })
      res.write('{"a":')
      setTimeout(() => res.end('1}'), 20)
    })
  })
  const pool = new Pool(upstream.url)
  t.teardown(async () => { await pool.close(); await upstream.close() })
  const result = await callForShadow(pool, request({ method: 'POST', body: Buffer.from('{"q":1}') }))
  if (typeof result === 'string') throw new Error(`expected an answer, got ${result}`)
  t.equal(result.status, 201)
  t.equal(result.headers['x-one'], 'a')
  t.equal(result.body.toString(), '{"a":1}')
  t.equal(result.truncated, false)
  t.ok(result.latencyMs >= 15, `latency covers the whole body (${result.latencyMs.toFixed(1)} ms)`)
  t.same(seen, { body: '{"q":1}', method: 'POST', url: '/api/scenarios?x=1', marker: '1' })
})

t.test('a body over the cap is cut and marked truncated, and read to its end', async (t) => {
  const upstream = await startServer((_req, res) => res.end('x'.repeat(5000)))
  const pool = new Pool(upstream.url, { connections: 1 })
  t.teardown(async () => { await pool.close(); await upstream.close() })
  const result = await callForShadow(pool, request({ responseBodyBytes: 100 }))
  if (typeof result === 'string') throw new Error(`expected an answer, got ${result}`)
  t.equal(result.body.length, 100)
  t.equal(result.truncated, true)
  const again = await callForShadow(pool, request({ responseBodyBytes: 100 }))
  t.match(again, { status: 200, truncated: true }, 'the connection was left clean for the next call')
})

t.test('an upstream that never answers: timeout, on time', async (t) => {
  const upstream = await startServer(() => { /* hangs */ })
  const pool = new Pool(upstream.url)
  t.teardown(async () => { await pool.destroy(); await upstream.close() })
  const started = performance.now()
  t.equal(await callForShadow(pool, request({ timeoutMs: 100 })), 'timeout')
  const took = performance.now() - started
  t.ok(took >= 95 && took < 1000, `after ${took.toFixed(0)} ms`)
})

t.test('a timeout while waiting for a connection: the call ends when it leaves the queue, never reaching the upstream', async (t) => {
  const paths: string[] = []
  let connections = 0
  const upstream = await startServer((req) => { paths.push(req.url ?? '') /* hangs */ })
  upstream.server.on('connection', () => { connections++ })
  const pool = new Pool(upstream.url, { connections: 1 })
  t.teardown(async () => { await pool.destroy(); await upstream.close() })
  const first = callForShadow(pool, request({ path: '/first', timeoutMs: 1000 }))
  const started = performance.now()
  // Its deadline passes long before the one connection is free; it keeps its place (and its
  // slot in the shadow budget) until then, and is aborted before a byte is written.
  t.equal(await callForShadow(pool, request({ path: '/queued', timeoutMs: 50 })), 'timeout')
  const waited = performance.now() - started
  t.ok(waited >= 900, `ended once the first call let go of the connection (${waited.toFixed(0)} ms)`)
  t.equal(await first, 'timeout')
  for (let i = 0; i < 50; i++) {
    if (connections >= 2) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal(connections, 2, 'the queued request got a connection of its own (the first one was aborted)')
  t.same(paths, ['/first'], 'and sent nothing on it')
})

t.test('nothing listening, or a body cut short: failed', async (t) => {
  const closed = new Pool(`http://127.0.0.1:${await freePort()}`)
  t.teardown(async () => await closed.destroy())
  t.equal(await callForShadow(closed, request()), 'failed')

  const cut = await startServer((_req, res) => {
    res.writeHead(200, { 'content-length': '100' })
    res.write('partial')
    setTimeout(() => res.destroy(), 10)
  })
  const pool = new Pool(cut.url)
  t.teardown(async () => { await pool.destroy(); await cut.close() })
  t.equal(await callForShadow(pool, request()), 'failed')
})

t.test('a closed pool: failed, not thrown', async (t) => {
  const upstream = await startServer((_req, res) => res.end('ok'))
  const pool = new Pool(upstream.url)
  await pool.close()
  t.teardown(async () => await upstream.close())
  t.equal(await callForShadow(pool, request()), 'failed')
})
