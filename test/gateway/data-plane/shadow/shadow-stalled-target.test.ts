/**
 * A shadow target that stalls never costs the users: every user's answer arrives while new holds
 * every shadow request it got, the shadows beyond the budget are dropped with a reason, and the
 * counts add up (sampled = compared + dropped + errored + pending) in the runner, the metrics and
 * the report's coverage; after abandonAll nothing is pending. A slow target that misses the
 * deadline ends its shadows as errored, never uncounted.
 */
import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import { buildFeatureReport } from '../../../../gateway/control-plane/report/build-report.js'
import { subscribe, type DropReason } from '../../../../gateway/data-plane/events.js'
import type { ShadowCounts } from '../../../../gateway/data-plane/shadow/shadow-ledger.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))
const adds = (c: ShadowCounts): number => c.compared + c.dropped + c.errored + c.pending
const metric = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)

t.test('a stalled shadow target: users all served, coverage falls, drops counted and reported', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  // New takes every shadow request and never answers (until the test ends).
  const held: Array<() => void> = []
  const candidate = await startServer((_req, res) => { held.push(() => res.end('{}')) })
  t.teardown(async () => {
    for (const answer of held.splice(0)) answer()
    await candidate.close()
  })
  const app = await buildGateway({
    env: {},
    config: parseRoutesConfig(routesYaml({
      legacy: legacy.url,
      new: candidate.url,
      features: { chat: { shadow: { sample: 100 } } },
      routes: [{ path: '/api/*', feature: 'chat' }],
      shadow: { maxConcurrent: 2, maxQueue: 2, timeoutMs: 600_000 }
    }))
  })
  await app.register(recorderPlugin)
  await app.register(reportPlugin, { readMemory: async () => ({ status: 'unknown', bytes: null, reason: 'test' }) })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const drops: DropReason[] = []
  subscribe(app, 'shadow-dropped', ({ reason }) => drops.push(reason))

  // Ten users, one after the other: each waits for its own answer only.
  for (let i = 0; i < 10; i++) {
    const response = await request(`${url}/api/history?i=${i}`)
    t.equal(response.statusCode, 200)
    t.equal(response.headers['x-served-by'], 'legacy')
    t.equal((await response.body.json() as { upstream: string }).upstream, 'legacy')
  }
  t.ok(held.length <= 2, 'new answered none of its shadow requests while every user was served')
  const runner = app.gateway.shadow
  t.same([runner.budget.active, runner.budget.queued], [2, 2], 'two held at new, two queued')
  t.same(drops, Array(6).fill('budget_full'), 'the six beyond the budget were dropped, with their reason')
  const counts = runner.counts().chat
  t.same(counts, { sampled: 10, compared: 0, dropped: 6, errored: 0, pending: 4 })
  t.equal(adds(counts), counts.sampled, 'sampled = compared + dropped + errored + pending')

  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.equal(metric(metrics, 'app_shadow_requests_sampled_total\\{feature="chat"\\}'), 10)
  t.equal(metric(metrics, 'app_shadow_requests_dropped_total\\{feature="chat",reason="budget_full"\\}'), 6)
  t.equal(metric(metrics, 'app_shadow_requests_pending\\{feature="chat"\\}'), 4)
  t.equal(metric(metrics, 'app_shadow_coverage_ratio\\{feature="chat"\\}'), 0, 'coverage is 0: nothing compared')

  const report = await buildFeatureReport(app.reportContext(), 'chat', 15)
  t.same(report.coverage, { sampled: 10, compared: 0, dropped: 6, errored: 0, pending: 4, ratio: 0 }, 'the report shows the coverage')

  // Shutdown: the four left are dropped, and nothing is pending any more.
  t.equal(runner.abandonAll(), 4)
  const after = runner.counts().chat
  t.same(after, { sampled: 10, compared: 0, dropped: 10, errored: 0, pending: 0 })
  t.equal(adds(after), after.sampled)
  const ended = await buildFeatureReport(app.reportContext(), 'chat', 15)
  t.same(ended.coverage, { sampled: 10, compared: 0, dropped: 10, errored: 0, pending: 0, ratio: 0 })
  const final = await (await request(`${url}/metrics`)).body.text()
  t.equal(metric(final, 'app_shadow_requests_pending\\{feature="chat"\\}'), 0)
  t.equal(metric(final, 'app_shadow_requests_dropped_total\\{feature="chat",reason="shutdown"\\}'), 4, 'the four abandoned')
})

t.test('a slow target: what misses the deadline is errored, the rest compared, all counted', async (t) => {
  const legacy = await startServer(namedUpstream('same'))
  t.teardown(legacy.close)
  const held: Array<() => void> = []
  // /api/slow never answers in time; everything else answers like legacy.
  const candidate = await startServer((req, res) => {
    if (req.url?.startsWith('/api/slow') === true) held.push(() => res.end('{}'))
    else namedUpstream('same')(req, res)
  })
  t.teardown(async () => {
    for (const answer of held.splice(0)) answer()
    await candidate.close()
  })
  const app = await buildGateway({
    env: {},
    config: parseRoutesConfig(routesYaml({
      legacy: legacy.url,
      new: candidate.url,
      features: { chat: { shadow: { sample: 100 }, compare: { ignorePaths: ['url', 'headers'] } } },
      routes: [{ path: '/api/*', feature: 'chat' }],
      shadow: { maxConcurrent: 4, maxQueue: 4, timeoutMs: 300 }
    }))
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())

  for (let i = 0; i < 12; i++) {
    const response = await request(`${url}/api/${i % 3 === 0 ? 'slow' : 'fast'}?i=${i}`)
    t.equal(response.statusCode, 200, 'the user is served from legacy')
    await response.body.dump()
  }
  await app.gateway.shadow.idle()
  const counts = app.gateway.shadow.counts().chat
  t.equal(counts.sampled, 12)
  t.equal(counts.pending, 0, 'every shadow ended')
  t.equal(adds(counts), 12, 'sampled = compared + dropped + errored')
  t.equal(counts.errored + counts.dropped >= 4, true, 'the four slow ones errored (timeout) or were dropped')
  t.ok(counts.compared >= 1, 'the fast ones were compared')
  const metrics = await (await request(`${url}/metrics`)).body.text()
  const compared = metric(metrics, 'app_shadow_requests_compared_total\\{feature="chat"\\}')
  const errored = metric(metrics, 'app_shadow_requests_errored_total\\{feature="chat"\\}')
  t.equal(compared, counts.compared)
  t.equal(errored, counts.errored)
  t.equal(metric(metrics, 'app_shadow_coverage_ratio\\{feature="chat"\\}'), counts.compared / 12)
})

t.test('after abandonAll, every sampled shadow is accounted for', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const held: Array<() => void> = []
  const candidate = await startServer((_req, res) => { held.push(() => res.end('{}')) })
  t.teardown(async () => {
    for (const answer of held.splice(0)) answer()
    await candidate.close()
  })
  const app = await buildGateway({
    env: {},
    config: parseRoutesConfig(routesYaml({
      legacy: legacy.url,
      new: candidate.url,
      features: { chat: { shadow: { sample: 100 } } },
      routes: [{ path: '/api/*', feature: 'chat' }],
      shadow: { maxConcurrent: 3, maxQueue: 3, timeoutMs: 600_000 }
    }))
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  // Concurrent users this time: still all served.
  const statuses = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
    const response = await request(`${url}/api/x?i=${i}`)
    await response.body.dump()
    return response.statusCode
  }))
  t.same(statuses, Array(12).fill(200))
  app.gateway.shadow.abandonAll()
  const response = await request(`${url}/api/after`)
  await response.body.dump()
  t.equal(response.statusCode, 200)
  await sleep(20)
  const counts = app.gateway.shadow.counts().chat
  t.same(counts, { sampled: 13, compared: 0, dropped: 13, errored: 0, pending: 0 }, 'all dropped (budget or shutdown), none pending')
})
