/**
 * GET /ready (readiness) against a real legacy server that is down, comes up and goes down again;
 * GET /health (liveness) stays 200 throughout. The SIGTERM side of draining is in
 * test/gateway/runtime/shutdown.test.ts; here drain() is called directly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import { request } from 'undici'
import { startGateway } from '../../helpers/gateway.js'
import { freePort, namedUpstream, startServer, type TestServer } from '../../helpers/http-server.js'
import { LEGACY_CHECK_INTERVAL_MS, type ReadyState } from '../../../gateway/data-plane/health.js'

async function ready (url: string): Promise<{ status: number, body: ReadyState }> {
  const response = await request(`${url}/ready`)
  return { status: response.statusCode, body: await response.body.json() as ReadyState }
}

async function healthStatus (url: string): Promise<number> {
  const response = await request(`${url}/health`)
  await response.body.dump()
  return response.statusCode
}

/** Polls /ready until it answers `status`, for at most `withinMs`. */
async function readyBecomes (url: string, status: number, withinMs: number): Promise<{ afterMs: number, body: ReadyState }> {
  const started = Date.now()
  for (;;) {
    const answer = await ready(url)
    if (answer.status === status) return { afterMs: Date.now() - started, body: answer.body }
    if (Date.now() - started > withinMs) throw new Error(`/ready still ${answer.status} after ${withinMs} ms: ${JSON.stringify(answer.body)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A legacy app that counts its health checks. */
function countingLegacy (): { handler: (req: IncomingMessage, res: ServerResponse) => void, healthChecks: () => number } {
  let checks = 0
  const named = namedUpstream('legacy')
  return {
    handler: (req, res) => {
      if (req.url === '/health') checks++
      named(req, res)
    },
    healthChecks: () => checks
  }
}

t.test('503 before legacy answers, 200 once it does, 503 again when it stops; /health stays 200', async (t) => {
  const port = await freePort()
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const { app, url } = await startGateway({ legacy: `http://127.0.0.1:${port}`, new: candidate.url })
  t.teardown(() => app.close())

  const before = await ready(url)
  t.equal(before.status, 503, 'not ready while legacy is down')
  t.equal(before.body.status, 'not_ready')
  t.equal(before.body.legacy.reachable, false)
  t.ok(before.body.legacy.checkedAt !== null, 'the answer comes from a real check, not a guess')
  t.match(before.body.reasons.join(' '), /legacy does not answer its health path \(ECONNREFUSED\)/)
  t.same(before.body.config, { loaded: true, version: 1, loadedAt: before.body.config.loadedAt })
  t.equal(await healthStatus(url), 200, 'liveness is not readiness: /health is 200 meanwhile')

  const counting = countingLegacy()
  let legacy: TestServer | null = await startServer(counting.handler, port)
  t.teardown(async () => { await legacy?.close() })
  const up = await readyBecomes(url, 200, 3 * LEGACY_CHECK_INTERVAL_MS)
  t.ok(up.afterMs <= 2 * LEGACY_CHECK_INTERVAL_MS + 500, `ready within a check interval of legacy coming up (${up.afterMs} ms)`)
  t.same({ status: up.body.status, reasons: up.body.reasons, reachable: up.body.legacy.reachable, httpStatus: up.body.legacy.status },
    { status: 'ready', reasons: [], reachable: true, httpStatus: 200 })
  t.ok(counting.healthChecks() >= 1, 'legacy was asked on its health path')

  await legacy.close()
  legacy = null
  const down = await readyBecomes(url, 503, 3 * LEGACY_CHECK_INTERVAL_MS)
  t.ok(down.afterMs <= 2 * LEGACY_CHECK_INTERVAL_MS + 500, `not ready within a check interval of legacy going down (${down.afterMs} ms)`)
  t.match(down.body.reasons.join(' '), /legacy does not answer/)
  t.equal(await healthStatus(url), 200, '/health still 200')
})

t.test('a legacy health path answering 5xx is not ready', async (t) => {
  const legacy = await startServer((req, res) => {
    res.writeHead(req.url === '/health' ? 500 : 200).end('{}')
  })
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url })
  t.teardown(() => app.close())
  const answer = await ready(url)
  t.equal(answer.status, 503)
  t.match(answer.body.reasons.join(' '), /\(HTTP 500\)/)
})

t.test('legacy is checked in the background at most once a second, not per probe', async (t) => {
  const counting = countingLegacy()
  const legacy = await startServer(counting.handler)
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url })
  t.teardown(() => app.close())

  t.equal(counting.healthChecks(), 0, 'no check before anything asks for readiness (buildGateway alone)')
  const windowMs = 2_200
  const started = Date.now()
  const statuses = new Set<number>()
  let probes = 0
  while (Date.now() - started < windowMs) {
    statuses.add((await ready(url)).status)
    probes++
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const elapsed = Date.now() - started
  const allowed = Math.floor(elapsed / LEGACY_CHECK_INTERVAL_MS) + 1
  t.same([...statuses], [200], 'every probe ready')
  t.ok(probes > 20, `many probes (${probes})`)
  t.ok(counting.healthChecks() <= allowed, `${counting.healthChecks()} checks of legacy for ${probes} probes in ${elapsed} ms (at most ${allowed})`)
  t.ok(counting.healthChecks() >= 2, 'and the checks go on in the background')
})

t.test('draining: 503 at once with legacy up; /health stays 200; legacy is no longer checked', async (t) => {
  const counting = countingLegacy()
  const legacy = await startServer(counting.handler)
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url })
  t.teardown(() => app.close())
  t.equal((await ready(url)).status, 200, 'ready before')

  app.readiness.drain()
  const answer = await ready(url)
  t.equal(answer.status, 503, '503 from the first probe after drain()')
  t.equal(answer.body.status, 'draining')
  t.equal(answer.body.draining, true)
  t.match(answer.body.reasons, ['draining: the gateway is shutting down'])
  t.equal(answer.body.legacy.reachable, true, 'the body still shows legacy was up')
  t.equal(await healthStatus(url), 200, 'liveness unaffected')
  const checks = counting.healthChecks()
  await new Promise((resolve) => setTimeout(resolve, LEGACY_CHECK_INTERVAL_MS + 300))
  t.equal((await ready(url)).status, 503, 'still draining')
  // /health itself probes legacy once per call (above); the background checks have stopped.
  t.equal(counting.healthChecks(), checks, 'no background check after drain()')
})
