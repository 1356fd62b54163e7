/**
 * Shadows in bounded memory and under the gateway's own pressure: a shadow whose captured legacy
 * answer (or mirrored request body) would take the shadows over shadow.maxBufferedBytes is
 * dropped with reason `memory` and its bytes are released; while the event-loop delay is over
 * shadow.protect.eventLoopDelayMs new shadows are shed with reason `pressure`. Users get every
 * byte either way.
 */
import t, { type Test } from 'tap'
import { request } from 'undici'
import { subscribe, type DropReason } from '../../../../gateway/data-plane/events.js'
import type { FastifyInstance } from 'fastify'
import { startGateway } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))
const BODY = Buffer.alloc(60_000, 'a')

/**
 * Legacy answering BODY after reading the request, new holding every shadow's answer until the
 * test releases it (`held`), and the gateway between them with `shadow`; `drops` collects the
 * shadows dropped, by reason.
 */
async function startHeldShadows (t: Test, route: Record<string, unknown>, shadow: Record<string, unknown>): Promise<{
  app: FastifyInstance, url: string, held: Array<() => void>, drops: DropReason[]
}> {
  const legacy = await startServer((req, res) => {
    req.resume()
    req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(BODY) })
  })
  t.teardown(legacy.close)
  const held: Array<() => void> = []
  const candidate = await startServer((req, res) => {
    req.resume()
    held.push(() => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(BODY) })
  })
  t.teardown(async () => {
    for (const answer of held.splice(0)) answer()
    await candidate.close()
  })
  const { app, url } = await startGateway({ legacy: legacy.url, new: candidate.url, features: { chat: { shadow: { sample: 100 } } }, routes: [route], shadow })
  t.teardown(() => app.close())
  const drops: DropReason[] = []
  subscribe(app, 'shadow-dropped', ({ reason }) => drops.push(reason))
  return { app, url, held, drops }
}

t.test('the byte budget drops with reason memory and releases the captured bytes', async (t) => {
  const { app, url, held, drops } = await startHeldShadows(t, { path: '/api/*', feature: 'chat', shadowSafe: true },
    { maxConcurrent: 4, maxQueue: 4, timeoutMs: 600_000, maxBufferedBytes: 100_000 })
  const runner = app.gateway.shadow
  const get = async (): Promise<Buffer> => {
    const response = await request(`${url}/api/page`)
    t.equal(response.statusCode, 200)
    return Buffer.from(await response.body.arrayBuffer())
  }

  t.same(await get(), BODY, 'the first user gets every byte')
  for (let waited = 0; held.length < 1 && waited < 5_000; waited += 10) await sleep(10)
  t.equal(runner.bytes.used, BODY.length, 'the first shadow holds legacy\'s captured answer while new thinks')
  t.same(await get(), BODY, 'the second user gets every byte too')
  t.same(drops, ['memory'], 'the second shadow would have gone over: dropped with reason memory')
  t.equal(runner.bytes.used, BODY.length, 'and its captured copy released')

  // A mirrored request body over the budget is dropped before anything runs.
  const post = await request(`${url}/api/upload`, { method: 'POST', body: Buffer.alloc(120_000, 'b') })
  t.equal(post.statusCode, 200)
  await post.body.dump()
  t.same(drops, ['memory', 'memory'])
  t.equal(runner.bytes.used, BODY.length)

  for (const answer of held.splice(0)) answer()
  await runner.idle()
  t.equal(runner.bytes.used, 0, 'once the first shadow is compared, nothing is held')
  t.same(runner.counts().chat, { sampled: 3, compared: 1, dropped: 2, errored: 0, pending: 0 })
  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.match(metrics, /app_shadow_requests_dropped_total\{feature="chat",reason="memory"\} 2/)
  t.match(metrics, /app_shadow_buffered_bytes 0/)
})

t.test('under event-loop pressure new shadows are shed with reason pressure; users are served', async (t) => {
  const legacy = await startServer((_req, res) => { res.end('{}') })
  t.teardown(legacy.close)
  const candidate = await startServer((_req, res) => { res.end('{}') })
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    // A window long enough that only the test closes it.
    shadow: { protect: { eventLoopDelayMs: 50, windowMs: 600_000 } }
  })
  t.teardown(() => app.close())
  const drops: DropReason[] = []
  subscribe(app, 'shadow-dropped', ({ reason }) => drops.push(reason))
  const pressure = app.gateway.shadow.pressure
  t.equal(pressure.high, false, 'no pressure before the first window')

  // Open a fresh window, block the event loop well past the budget, let the monitor see it,
  // and close the window: the stall is most of the window's samples.
  pressure.sample()
  t.equal(pressure.high, false, 'no pressure after start-up')
  // The monitor's first tick after a reset only takes a timestamp: let it tick first.
  await sleep(30)
  const until = performance.now() + 300
  while (performance.now() < until) { /* busy */ }
  await sleep(30)
  pressure.sample()
  t.equal(pressure.high, true, 'a 300 ms stall is over a 50 ms budget')
  t.ok(pressure.p99Ms > 50)

  for (let i = 0; i < 3; i++) {
    const response = await request(`${url}/api/x`)
    t.equal(response.statusCode, 200, 'the user is served')
    await response.body.dump()
  }
  t.same(drops, ['pressure', 'pressure', 'pressure'], 'and each shadow shed, with reason pressure')
  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.match(metrics, /app_shadow_shedding 1/)

  // Calm again: a window without stalls lifts it.
  for (let i = 0; i < 50 && pressure.high; i++) {
    await sleep(100)
    pressure.sample()
  }
  t.equal(pressure.high, false, 'pressure lifts once the loop is calm')
  const response = await request(`${url}/api/x`)
  await response.body.dump()
  await app.gateway.shadow.idle()
  t.equal(drops.length, 3, 'shadows run again')
  const counts = app.gateway.shadow.counts().chat
  t.equal(counts.sampled, counts.compared + counts.dropped + counts.errored + counts.pending)
  t.equal(counts.sampled, 4)
})

t.test('when the pressure rises, the shadows waiting in the queue are shed at once and their captured answers let go', async (t) => {
  const { app, url, held, drops } = await startHeldShadows(t, { path: '/api/*', feature: 'chat' },
    { maxConcurrent: 1, maxQueue: 4, timeoutMs: 600_000, protect: { eventLoopDelayMs: 50, windowMs: 600_000 } })
  const runner = app.gateway.shadow
  runner.pressure.sample()
  for (let i = 0; i < 3; i++) {
    const response = await request(`${url}/api/x`)
    t.same(Buffer.from(await response.body.arrayBuffer()), BODY, 'the user gets every byte')
  }
  for (let waited = 0; held.length < 1 && waited < 5_000; waited += 10) await sleep(10)
  t.equal(runner.budget.active, 1, 'one shadow runs, new holding its answer')
  t.equal(runner.budget.queued, 2, 'two wait their turn')
  t.equal(runner.bytes.used, 3 * BODY.length, 'each holding legacy\'s captured answer')

  await sleep(30)
  const until = performance.now() + 300
  while (performance.now() < until) { /* busy */ }
  await sleep(30)
  runner.pressure.sample()
  t.equal(runner.pressure.high, true, 'a 300 ms stall is over the 50 ms budget')
  t.same(drops, ['pressure', 'pressure'], 'both queued shadows shed with reason pressure, without waiting for their turn')
  t.equal(runner.bytes.used, BODY.length, 'their captured answers released; the running one keeps its own')
  t.same(runner.counts().chat, { sampled: 3, compared: 0, dropped: 2, errored: 0, pending: 1 })

  for (const answer of held.splice(0)) answer()
  await runner.idle()
  t.equal(held.length, 0, 'the shed shadows never reached new')
  t.same(runner.counts().chat, { sampled: 3, compared: 1, dropped: 2, errored: 0, pending: 0 }, 'the counts add up')
  t.equal(runner.bytes.used, 0)
})

t.test('the event-loop reading is the delay, not the monitor\'s own 10 ms resolution', async (t) => {
  const legacy = await startServer((_req, res) => { res.end('{}') })
  t.teardown(legacy.close)
  const { app } = await startGateway({
    legacy: legacy.url,
    new: legacy.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    shadow: { protect: { eventLoopDelayMs: 5, windowMs: 600_000 } }
  })
  t.teardown(() => app.close())
  const pressure = app.gateway.shadow.pressure
  // An idle loop ticks every 10 ms: read with the resolution in, it would be over 5 ms in every window.
  for (let i = 0; i < 50 && (i < 2 || pressure.high || pressure.p99Ms >= 5); i++) {
    await sleep(100)
    pressure.sample()
  }
  t.ok(pressure.p99Ms < 5, `a calm window reads under 5 ms (${pressure.p99Ms.toFixed(2)} ms)`)
  t.equal(pressure.high, false)
})

t.test('under the latency guard, users slower than their shadow-free p95 shed shadows; coverage falls and shows', async (t) => {
  let delayMs = 0
  const legacy = await startServer((_req, res) => { setTimeout(() => res.end('{}'), delayMs) })
  t.teardown(legacy.close)
  const candidate = await startServer((_req, res) => { res.end('{}') })
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    // Windows only the test closes.
    shadow: { protect: { p95Ratio: 1.5, windowMs: 600_000 } }
  })
  t.teardown(() => app.close())
  const runner = app.gateway.shadow
  const drops: DropReason[] = []
  subscribe(app, 'shadow-dropped', ({ reason }) => drops.push(reason))
  const users = async (n: number): Promise<void> => {
    const statuses = await Promise.all(Array.from({ length: n }, async () => {
      const response = await request(`${url}/api/x`)
      await response.body.dump()
      return response.statusCode
    }))
    t.ok(statuses.every((s) => s === 200), `${n} users served`)
  }
  // 60 at a time, in batches of 10: enough requests to judge a window.
  const window = async (): Promise<void> => {
    for (let i = 0; i < 6; i++) await users(10)
    runner.pressure.sample()
  }

  await window()
  t.equal(drops.length, 0, 'before anything was judged, every shadow ran')
  t.equal(runner.pressure.admitted, 0, 'the first judged window starts a baseline: no shadow')
  await window()
  await window()
  t.ok(runner.pressure.baselineP95Ms > 0, `two windows without a shadow: the baseline (${runner.pressure.baselineP95Ms.toFixed(2)} ms)`)
  t.ok(Math.abs(runner.pressure.admitted - 0.05) < 1e-9, 'admission starts from one step')
  t.same(new Set(drops), new Set(['pressure']), 'the baseline windows\' shadows were shed with reason pressure')

  // Legacy slows down: the users' p95 goes far over 1.5 x the baseline.
  delayMs = 300
  const shedBefore = drops.length
  await window()
  t.ok(runner.pressure.p95Ms >= 300, `the window's p95 (${runner.pressure.p95Ms.toFixed(0)} ms)`)
  t.ok(Math.abs(runner.pressure.admitted - 0.025) < 1e-9, 'over budget: the share halves')
  t.ok(drops.length - shedBefore >= 55, 'at 5 %, most shadows were shed')

  await runner.idle()
  const counts = runner.counts().chat
  t.equal(counts.sampled, 240)
  t.equal(counts.sampled, counts.compared + counts.dropped + counts.errored, 'every sampled shadow ended once')
  t.equal(counts.dropped, drops.length)
  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.match(metrics, /app_shadow_admitted_ratio 0\.025/)
  t.match(metrics, /app_shadow_protect_baseline_p95_seconds 0\.\d+/)
  const coverage = Number(/app_shadow_coverage_ratio\{feature="chat"\} (\S+)/.exec(metrics)?.[1])
  t.ok(coverage > 0 && coverage < 0.5, `coverage falls and shows (${coverage})`)
})
