/**
 * The live stage (docs/rollout.md): with the flag on at 100 % and override stage `live`, new
 * serves every user and legacy gets a sampled copy. A regression on legacy shows as a diff with
 * new as the primary side; a rollback lands on legacy at once; pins and fallbacks send no copy;
 * and the shadow accounting adds up for copies to legacy as for copies to new.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { registerControlPlane } from '../../../../gateway/control-plane/register-control-plane.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

interface Side {
  url: string
  /** Copies this side received (marked x-shadow-request). */
  copies: number
  served: number
  answer: (req: IncomingMessage, res: ServerResponse) => void
  close: () => Promise<void>
}

async function startSide (t: Test, name: string): Promise<Side> {
  const side: Side = {
    url: '',
    copies: 0,
    served: 0,
    answer: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ items: [1, 2, 3], side: 'same' }))
    },
    close: async () => {}
  }
  const server = await startServer((req, res) => {
    req.resume()
    if (req.headers['x-shadow-request'] === '1') side.copies++
    else side.served++
    res.setHeader('x-side', name)
    side.answer(req, res)
  })
  t.teardown(server.close)
  side.url = server.url
  side.close = server.close
  return side
}

async function startLiveGateway (t: Test, shadow: Record<string, unknown> = {}) {
  const legacy = await startSide(t, 'legacy')
  const candidate = await startSide(t, 'new')
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    shadow: { timeoutMs: SHADOW_TIMEOUT_MS, ...shadow },
    features: { items: { enabled: false, canary: 0, shadow: { sample: 100 }, compare: { mode: 'exact' } } },
    routes: [{ path: '/api/items', feature: 'items' }]
  }))
  const app = await buildGateway({ config, env: { GATEWAY_PIN_SECRET: 'live-stage-test-pin-secret' } })
  t.teardown(async () => await app.close())
  await registerControlPlane(app, { adminToken: undefined })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const get = async (headers: Record<string, string> = {}): Promise<{ status: number, servedBy: string, ms: number }> => {
    const started = performance.now()
    const res = await request(`${url}/api/items`, { headers: { cookie: 'session=user-1', ...headers } })
    await res.body.dump()
    return { status: res.statusCode, servedBy: String(res.headers['x-served-by']), ms: performance.now() - started }
  }
  const put = async (path: string, body: unknown): Promise<number> => {
    const res = await request(`${url}${path}`, { method: body === undefined ? 'POST' : 'PUT', headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    await res.body.dump()
    return res.statusCode
  }
  return { app, url, legacy, candidate, get, put }
}

/** Far above what new takes to answer, far below the shadow timeout a waiting user would see. */
const SHADOW_TIMEOUT_MS = 2_000
const USER_MS = 1_000

const counted = (app: Awaited<ReturnType<typeof startLiveGateway>>['app']) => app.gateway.shadow.counts().items

t.test('shadow, then canary, then live: copies go the other way, a legacy regression is a diff with new as primary, rollback lands on legacy', async (t) => {
  const gw = await startLiveGateway(t)
  const { app, legacy, candidate } = gw

  t.equal((await gw.get()).servedBy, 'legacy', 'shadow: legacy serves')
  await shadowsSettled(app)
  t.equal(candidate.copies, 1, 'shadow: new got the copy')

  t.equal(await gw.put('/admin/flags/items', { enabled: true, canary: 100 }), 200)
  t.equal((await gw.get()).servedBy, 'new', 'canary 100 %: new serves')
  await shadowsSettled(app)
  t.equal(legacy.copies, 0, 'new at 100 % without the live stage: no copy to legacy')

  t.equal(await gw.put('/admin/flags/items', { stage: 'live' }), 200)
  const flags = await request(`${gw.url}/admin/flags/items`)
  t.match(await flags.body.json(), { stage: 'live', override: { enabled: true, canary: 100, stage: 'live' } }, 'the flags say live')
  t.equal((await gw.get()).servedBy, 'new', 'live: new serves')
  await shadowsSettled(app)
  t.equal(legacy.copies, 1, 'live: legacy got a copy')
  t.equal(candidate.copies, 1, 'live: no copy to new')
  let { records } = await app.gateway.diffStore.list({ feature: 'items' })
  t.equal(records.length, 0, 'equal answers leave no record')

  // A regression introduced on legacy.
  legacy.answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ items: [1, 2], side: 'same' }))
  }
  t.equal((await gw.get()).servedBy, 'new')
  await shadowsSettled(app)
  ;({ records } = await app.gateway.diffStore.list({ feature: 'items' }))
  t.equal(records.length, 1, 'the regression is recorded')
  t.match(records[0], { primary: 'new', verdict: 'different', legacy: { status: 200 }, candidate: { status: 200 } })
  t.ok(records[0].differences.some((d) => d.path === 'items' || d.path.startsWith('items')), 'at the changed field')

  const report = await (await request(`${gw.url}/admin/report/items`)).body.json() as any
  t.match(report.phase, { stage: 'live', servedBy: 'new', label: 'live 100%' }, 'the report says new serves')
  t.equal(report.shadow.pairs, 3, 'pairs of both directions count in the shadow figures')

  // Rollback from live: one call, and the very next request is legacy's.
  t.equal(await gw.put('/admin/rollback/items', undefined), 200)
  t.equal((await gw.get()).servedBy, 'legacy', 'rolled back: legacy serves at once')
  await shadowsSettled(app)
  t.equal(legacy.copies, 2, 'no copy to legacy after the rollback')
  const after = await (await request(`${gw.url}/admin/flags/items`)).body.json() as any
  t.match(after, { stage: 'shadow', override: { enabled: false, canary: 0 } })
  t.notOk('stage' in after.override, 'the rollback ended the live stage')
})

t.test('live: a pinned tester sends no copy; a request new failed compares nothing', async (t) => {
  const gw = await startLiveGateway(t)
  t.equal(await gw.put('/admin/flags/items', { enabled: true, canary: 100, stage: 'live' }), 200)
  const pin = gw.app.gateway.pins.issue('items', 'new', 60).token
  t.equal((await gw.get({ 'x-gateway-pin': pin })).servedBy, 'new')
  await shadowsSettled(gw.app)
  t.equal(gw.legacy.copies, 0, 'a tester pinned to new is not copied to legacy')
  t.equal(counted(gw.app)?.sampled ?? 0, 0)

  gw.candidate.answer = (_req, res) => { res.writeHead(503); res.end() }
  const failed = await gw.get()
  t.equal(failed.servedBy, 'legacy-fallback')
  await shadowsSettled(gw.app)
  // The copy went out beside new's call; legacy's fallback answer is not new's, so it is dropped.
  t.match(counted(gw.app), { sampled: 1, dropped: 1, compared: 0, pending: 0 }, 'the copy is counted dropped')
  t.equal((await gw.app.gateway.diffStore.list({ feature: 'items' })).records.length, 0, 'and leaves no record')
})

t.test('live: sampled = compared + dropped + errored, and a slow or dead legacy never delays the user', async (t) => {
  const gw = await startLiveGateway(t, { maxConcurrent: 2, maxQueue: 0 })
  t.equal(await gw.put('/admin/flags/items', { enabled: true, canary: 100, stage: 'live' }), 200)
  const release: Array<() => void> = []
  gw.legacy.answer = (_req, res) => {
    // Slower than the shadow timeout, and cut at the end.
    const timer = setTimeout(() => { res.writeHead(200); res.end('{}') }, 3 * SHADOW_TIMEOUT_MS)
    release.push(() => { clearTimeout(timer); res.destroy() })
  }
  t.teardown(() => { for (const r of release) r() })
  const answers = await Promise.all(Array.from({ length: 6 }, async () => await gw.get()))
  for (const answer of answers) {
    t.equal(answer.servedBy, 'new')
    t.ok(answer.ms < USER_MS, `served by new in ${Math.round(answer.ms)} ms while legacy hangs`)
  }
  await shadowsSettled(gw.app, 50)
  const counts = counted(gw.app)
  t.equal(counts.sampled, 6)
  t.equal(counts.pending, 0)
  t.equal(counts.compared + counts.dropped + counts.errored, counts.sampled, JSON.stringify(counts))
  t.ok(counts.errored >= 1, 'timed-out copies are errored')
  t.ok(counts.dropped >= 1, 'copies past the budget are dropped')
  const timedOut = (await gw.app.gateway.diffStore.list({ feature: 'items' })).records.filter((r) => r.verdict === 'error')
  t.match(timedOut[0], { primary: 'new', legacy: { status: 0 }, reason: `legacy did not answer within ${SHADOW_TIMEOUT_MS} ms` })

  // Dead: nothing listens on legacy's port any more.
  for (const r of release.splice(0)) r()
  await gw.legacy.close()
  const dead = await gw.get()
  t.equal(dead.servedBy, 'new')
  t.ok(dead.ms < USER_MS, `served by new in ${Math.round(dead.ms)} ms with legacy down`)
  await shadowsSettled(gw.app, 50)
  const end = counted(gw.app)
  t.equal(end.compared + end.dropped + end.errored, end.sampled, JSON.stringify(end))
})
