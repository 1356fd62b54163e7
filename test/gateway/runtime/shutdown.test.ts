/**
 * SIGTERM on a real gateway process (`strangler-gateway start`, from the sources): /ready turns
 * 503 at once and the listener stays open for shutdown.delayMs; requests in flight get
 * shutdown.graceMs; an SSE stream still open then ends cleanly; shadows queued and in flight are
 * dropped with reason `shutdown`; the process exits within delayMs + graceMs + 1 s.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import http2 from 'node:http2'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { routesYaml, type TestRoutes } from '../../helpers/gateway.js'
import { startServer } from '../../helpers/http-server.js'

const CLI = fileURLToPath(new URL('../tooling/cli/fixtures/cli.ts', import.meta.url))

interface Gateway {
  child: ChildProcess
  url: string
  output: () => string
  /** Resolves with the exit code and when it came. */
  exited: Promise<{ code: number | null, at: number }>
}

async function startGatewayProcess (t: Test, routes: TestRoutes): Promise<Gateway> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-shutdown-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'routes.yaml')
  await writeFile(file, routesYaml(routes))
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }
  for (const name of ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'GATEWAY_ADMIN_TOKEN', 'ROUTES_FILE']) delete env[name]
  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', CLI, 'start', '--config', file], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, at: Date.now() }))
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const deadline = Date.now() + 30_000
  for (;;) {
    const listening = /Server listening at (https?:\/\/127\.0\.0\.1:\d+)/.exec(output)
    if (listening !== null) return { child, url: listening[1], output: () => output, exited }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the gateway did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function get (url: string): Promise<{ status: number, headers: Record<string, unknown>, text: string }> {
  const response = await request(url, { reset: true })
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() }
}

async function waitForReady (url: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while ((await get(`${url}/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('/ready never answered 200')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function metric (text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

/** An SSE client on node:http, which tells a clean end of the chunked body from a reset. */
function openEventStream (url: string): { events: () => number, ended: Promise<{ how: 'end' | 'reset', at: number, detail: string }> } {
  let events = 0
  const ended = new Promise<{ how: 'end' | 'reset', at: number, detail: string }>((resolve) => {
    const req = http.get(url, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { events += chunk.split('\n\n').length - 1 })
      res.on('end', () => resolve({ how: 'end', at: Date.now(), detail: `status ${res.statusCode}` }))
      res.on('aborted', () => resolve({ how: 'reset', at: Date.now(), detail: 'aborted' }))
      res.on('error', (err) => resolve({ how: 'reset', at: Date.now(), detail: err.message }))
    })
    req.on('error', (err) => resolve({ how: 'reset', at: Date.now(), detail: err.message }))
  })
  return { events: () => events, ended }
}

t.test('SIGTERM: /ready 503 during the delay, SSE ended cleanly at the grace, shadows dropped, exit in time', async (t) => {
  // The test makes four calls of its own during the delay: long enough for a loaded machine.
  const DELAY_MS = 1_500
  const GRACE_MS = 1_500

  // Legacy: an SSE stream (an event every 500 ms for 40 s), a request that never answers, and a
  // quick JSON route that is mirrored to new.
  const timers = new Set<NodeJS.Timeout>()
  const legacy = await startServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      let n = 0
      res.write(`data: ${n++}\n\n`)
      const every = setInterval(() => { res.write(`data: ${n++}\n\n`) }, 500)
      const stop = setTimeout(() => { clearInterval(every); res.end() }, 40_000)
      timers.add(every).add(stop)
      res.on('close', () => { clearInterval(every); clearTimeout(stop) })
      return
    }
    if (req.url === '/hang') return
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}')
  })
  t.teardown(async () => {
    for (const timer of timers) clearTimeout(timer)
    await legacy.close()
  })
  // New: answers every shadow after 10 s; records when the gateway gave up on each.
  const shadowClosedAt: number[] = []
  const candidate = await startServer((_req, res) => {
    const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}'), 10_000)
    timers.add(timer)
    res.on('close', () => { clearTimeout(timer); shadowClosedAt.push(Date.now()) })
  })
  t.teardown(candidate.close)

  const gateway = await startGatewayProcess(t, {
    legacy: legacy.url,
    new: candidate.url,
    features: { items: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/items', methods: ['GET'], feature: 'items' }],
    shadow: { maxConcurrent: 2, maxQueue: 10, timeoutMs: 15_000 },
    shutdown: { delayMs: DELAY_MS, graceMs: GRACE_MS }
  })
  const { url } = gateway
  await waitForReady(url)

  const stream = openEventStream(`${url}/events`)
  const hanging = request(`${url}/hang`).then(async (r) => { await r.body.text(); return 'answered' }, (err: Error) => `failed: ${err.message}`)
  for (let i = 0; i < 6; i++) t.equal((await get(`${url}/api/items`)).status, 200, `user request ${i}`)
  // Two shadows wait on new, four in the budget's queue.
  const deadline = Date.now() + 5_000
  while (metric((await get(`${url}/metrics`)).text, 'app_shadow_requests_sent_total', 'feature="items"') < 2 || stream.events() < 1) {
    if (Date.now() > deadline) throw new Error('shadows or the SSE stream did not start')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(shadowClosedAt.length, 0, 'the two shadows are in flight at new')

  const signalledAt = Date.now()
  gateway.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 50))

  // During the delay: not ready, but still serving.
  const readyNow = await get(`${url}/ready`)
  t.equal(readyNow.status, 503, '/ready is 503 at once')
  t.equal(JSON.parse(readyNow.text).status, 'draining', 'and says why')
  const served = await get(`${url}/api/items`)
  t.equal(served.status, 200, 'the listener still serves during the delay')
  t.equal(served.headers.connection, 'close', 'closing the connection after the answer')
  const metricsText = (await get(`${url}/metrics`)).text
  t.equal(metric(metricsText, 'app_shadow_requests_dropped_total', 'reason="shutdown"'), 7,
    'the 2 running and 4 queued shadows, and the one planned during the delay, dropped with reason shutdown')
  t.equal(metric(metricsText, 'app_shadow_requests_sent_total', 'feature="items"'), 2, 'none of the queued ones was sent')
  const summary = JSON.parse((await get(`${url}/admin/diffs/summary`)).text) as { features: Record<string, { dropped: number }> }
  t.equal(summary.features.items.dropped, 7, 'and counted as dropped in the diff store')
  t.ok(Date.now() - signalledAt < DELAY_MS, `all that within the delay (${Date.now() - signalledAt} ms)`)
  t.equal(shadowClosedAt.length, 2, 'the shadows in flight were aborted, not left to run')
  t.ok(shadowClosedAt.every((at) => at - signalledAt < DELAY_MS), 'at once')

  // After the delay the listener is closed while the stream is still open.
  await new Promise((resolve) => setTimeout(resolve, signalledAt + DELAY_MS + 250 - Date.now()))
  const refused = await request(`${url}/health`).then(() => 'answered', (err: { code?: string }) => err.code ?? 'error')
  t.equal(refused, 'ECONNREFUSED', 'no new connection after the delay')
  t.equal(await Promise.race([stream.ended.then(() => 'ended'), Promise.resolve('open')]), 'open', 'the SSE stream is still open in the grace')

  const end = await stream.ended
  const exit = await gateway.exited
  const streamEndMs = end.at - signalledAt
  const exitMs = exit.at - signalledAt
  t.comment(`stream ended after ${streamEndMs} ms, process exited after ${exitMs} ms (delay ${DELAY_MS}, grace ${GRACE_MS})`)
  t.equal(end.how, 'end', `the SSE client saw the stream end cleanly (${end.detail})`)
  t.ok(stream.events() >= 3, `events kept flowing through the delay and the grace (${stream.events()})`)
  t.ok(streamEndMs >= DELAY_MS + GRACE_MS - 100, `the stream had the whole grace (${streamEndMs} ms)`)
  t.match(await hanging, /^failed/, 'a request still unanswered at the end of the grace is cut')
  t.equal(exit.code, 0, 'clean exit')
  t.ok(exitMs <= DELAY_MS + GRACE_MS + 1_000, `exited within delayMs + graceMs + 1 s (${exitMs} ms)`)
  const log = gateway.output()
  t.match(log, /"shadowsDropped":6,.*shutting down/, 'the log counts the shadows abandoned at the signal')
  t.match(log, /"streamsEnded":1,"cut":1,.*grace period over/, 'and what the grace left open')
  t.match(log, /shutdown complete/)
})

t.test('SIGTERM: a request in flight finishes within the grace and the process exits as soon as it has', async (t) => {
  const DELAY_MS = 300
  const GRACE_MS = 5_000
  const SLOW_MS = 900
  const legacy = await startServer((req, res) => {
    if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), SLOW_MS)
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  t.teardown(legacy.close)
  const gateway = await startGatewayProcess(t, { legacy: legacy.url, new: legacy.url, shutdown: { delayMs: DELAY_MS, graceMs: GRACE_MS } })
  await waitForReady(gateway.url)

  const sentAt = Date.now()
  const slow = request(`${gateway.url}/slow`).then(async (r) => ({ status: r.statusCode, connection: r.headers.connection, body: await r.body.text() }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  gateway.child.kill('SIGTERM')
  const answer = await slow
  const exit = await gateway.exited
  const exitMs = exit.at - sentAt
  t.comment(`answered after ${Date.now() - sentAt} ms, exited after ${exitMs} ms`)
  t.same(answer, { status: 200, connection: 'close', body: '{"slow":true}' }, 'the request in flight got its whole answer, with Connection: close')
  t.equal(exit.code, 0)
  t.ok(exitMs >= SLOW_MS, 'not before the request had finished')
  t.ok(exitMs < DELAY_MS + GRACE_MS / 2, `exited once nothing was open, long before the grace ran out (${exitMs} ms)`)
  t.notMatch(gateway.output(), /grace period over/, 'nothing was cut')
})

t.test('SIGTERM over TLS with HTTP/2: /ready 503 in the delay, GOAWAY after a response, the h2 SSE stream ends cleanly', async (t) => {
  const DELAY_MS = 400
  const GRACE_MS = 1_000
  const dir = await mkdtemp(join(tmpdir(), 'sg-shutdown-tls-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const cert = join(dir, 'gateway.crt')
  const key = join(dir, 'gateway.key')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' })
  const timers = new Set<NodeJS.Timeout>()
  const legacy = await startServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      let n = 0
      res.write(`data: ${n++}\n\n`)
      const every = setInterval(() => { res.write(`data: ${n++}\n\n`) }, 500)
      timers.add(every)
      res.on('close', () => clearInterval(every))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  t.teardown(async () => {
    for (const timer of timers) clearInterval(timer)
    await legacy.close()
  })
  const gateway = await startGatewayProcess(t, { legacy: legacy.url, new: legacy.url, listen: { tls: { cert, key } }, shutdown: { delayMs: DELAY_MS, graceMs: GRACE_MS } })
  const origin = gateway.url
  const connect = (): http2.ClientHttp2Session => {
    const session = http2.connect(origin, { rejectUnauthorized: false })
    session.on('error', () => {})
    return session
  }
  const h2get = async (session: http2.ClientHttp2Session, path: string): Promise<{ status: number, body: string }> =>
    await new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path })
      let status = 0
      let body = ''
      stream.on('response', (headers) => { status = Number(headers[':status']) })
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => { body += chunk })
      stream.on('end', () => resolve({ status, body }))
      stream.on('error', reject)
    })

  const probes = connect()
  t.teardown(() => probes.destroy())
  const deadline = Date.now() + 10_000
  while ((await h2get(probes, '/ready')).status !== 200) {
    if (Date.now() > deadline) throw new Error('/ready never 200 over h2')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const streams = connect()
  t.teardown(() => streams.destroy())
  let events = 0
  const sse = streams.request({ ':path': '/events' })
  sse.setEncoding('utf8')
  const firstEvent = new Promise((resolve) => sse.once('data', resolve))
  sse.on('data', (chunk: string) => { events += chunk.split('\n\n').length - 1 })
  const ended = new Promise<{ how: string, at: number }>((resolve) => {
    sse.on('end', () => resolve({ how: `end (rstCode ${sse.rstCode ?? 'none'})`, at: Date.now() }))
    sse.on('error', (err) => resolve({ how: `error: ${err.message}`, at: Date.now() }))
    sse.on('aborted', () => resolve({ how: 'aborted', at: Date.now() }))
  })
  await firstEvent

  let goaway = false
  probes.once('goaway', () => { goaway = true })
  const signalledAt = Date.now()
  gateway.child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const readyNow = await h2get(probes, '/ready')
  t.equal(readyNow.status, 503, '/ready 503 over h2 during the delay')
  t.equal(JSON.parse(readyNow.body).status, 'draining')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(goaway, true, 'the session that got an answer while draining is sent GOAWAY')

  const end = await ended
  const exit = await gateway.exited
  t.comment(`h2 stream ended after ${end.at - signalledAt} ms, exited after ${exit.at - signalledAt} ms`)
  t.equal(end.how, 'end (rstCode 0)', 'the h2 SSE stream ended cleanly (END_STREAM, no reset)')
  t.ok(events >= 2, `events flowed through the delay and the grace (${events})`)
  t.ok(end.at - signalledAt >= DELAY_MS + GRACE_MS - 100, 'at the end of the grace')
  t.equal(exit.code, 0)
  t.ok(exit.at - signalledAt <= DELAY_MS + GRACE_MS + 1_000, `exited within delayMs + graceMs + 1 s (${exit.at - signalledAt} ms)`)
})

t.test('SIGTERM with a shadowed SSE stream: the client sees a clean end and the process exits cleanly', async (t) => {
  // The primary's capture for the comparison reads legacy's stream on only while the shadow still
  // wants it (shadow/capture.ts); shutdown abandons the shadow, so legacy's stream is let go when
  // the client's side ends and the pools close: a clean exit, not the deadline's.
  const DELAY_MS = 300
  const GRACE_MS = 1_000
  const timers = new Set<NodeJS.Timeout>()
  const legacy = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    let n = 0
    res.write(`data: ${n++}\n\n`)
    const every = setInterval(() => { res.write(`data: ${n++}\n\n`) }, 500)
    timers.add(every)
    res.on('close', () => clearInterval(every))
  })
  t.teardown(async () => {
    for (const timer of timers) clearInterval(timer)
    await legacy.close()
  })
  const candidate = await startServer((_req, res) => {
    const timer = setTimeout(() => res.end(), 10_000)
    timers.add(timer)
    res.on('close', () => clearTimeout(timer))
  })
  t.teardown(candidate.close)
  const gateway = await startGatewayProcess(t, {
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 }, compare: { mode: 'sse' } } },
    routes: [{ path: '/api/v2/chat', methods: ['GET'], feature: 'chat' }],
    shutdown: { delayMs: DELAY_MS, graceMs: GRACE_MS }
  })
  const stream = openEventStream(`${gateway.url}/api/v2/chat`)
  while (stream.events() < 1) await new Promise((resolve) => setTimeout(resolve, 20))
  const signalledAt = Date.now()
  gateway.child.kill('SIGTERM')
  const end = await stream.ended
  const exit = await gateway.exited
  const exitMs = exit.at - signalledAt
  t.comment(`stream ended after ${end.at - signalledAt} ms, exited (code ${exit.code}) after ${exitMs} ms`)
  t.equal(end.how, 'end', 'the SSE client saw the stream end cleanly')
  t.ok(exitMs <= DELAY_MS + GRACE_MS + 1_000, `exited within delayMs + graceMs + 1 s (${exitMs} ms)`)
  t.equal(exit.code, 0, 'a clean exit: the abandoned shadow let legacy\'s stream go')
})
