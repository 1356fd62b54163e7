/** The CLI's main() in-process against a real gateway on 127.0.0.1 port 0. */
import t from 'tap'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import type { DiffStore, ListResult } from '../../../../gateway/analysis/diff-store/diff-store-types.js'
import { createMemoryDiffStore } from '../../../../gateway/analysis/diff-store/memory-diff-store.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { freePort, namedUpstream, startServer } from '../../../helpers/http-server.js'
import { runCli } from '../../../helpers/run-cli.js'

const TOKEN = 'cli-test-token'

t.test('CLI against a running gateway', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(() => legacy.close())
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: legacy.url,
    features: { chat: { enabled: false, canary: 0, shadow: { sample: 10 } }, watch: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
  }))
  // A diff store that lists one fixed record, whatever the filter asked for (the CLI's table is under test).
  const diffStore: DiffStore = {
    ...createMemoryDiffStore(),
    list: async (query) => ({
      records: [{ time: '2026-01-01T00:00:00.000Z', feature: query?.feature ?? 'chat', method: 'GET', route: '/api/chat', legacy: { status: 200 }, candidate: { status: 500 }, verdict: 'different', differenceCount: 2, fields: ['@status', 'reply'] }],
      nextOffset: null
    }) as unknown as ListResult
  }
  const app = await buildGateway({ env: {}, config, diffStore })
  t.teardown(() => app.close())
  await app.register(adminPlugin, { token: TOKEN })
  let verdict = 'not_ready'
  app.get('/admin/report/:feature', async (request) => ({
    feature: (request.params as { feature: string }).feature,
    window: '60m',
    phase: { label: 'shadow 10%' },
    shadow: { old: { requests: 120, errors: 0, errorRate: 0, p50Ms: 10, p95Ms: 20 }, new: { requests: 120, errors: 1, errorRate: 0.0083, p50Ms: 12, p95Ms: 30 } },
    canary: { old: { requests: 0, errors: 0, errorRate: null, p50Ms: null, p95Ms: null }, new: { requests: 0, errors: 0, errorRate: null, p50Ms: null, p95Ms: null } },
    diffRate: { shadowPairs: 0.02, diffStore: null },
    recommendation: { status: verdict, reasons: verdict === 'ready' ? [] : [{ code: 'latency_p95', message: 'new p95 30 ms > 1.1 x old p95 20 ms' }], notes: [] }
  }))
  // The report endpoint above belongs to the report plugin; this stand-in answers in its shape.
  const url = await app.listen({ port: 0, host: '127.0.0.1' })

  const env = { GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN }
  const run = async (...argv: string[]) => await runCli(argv, env)

  t.test('status: a table for people, JSON for scripts', async (t) => {
    const human = await run('status')
    t.equal(human.code, 0)
    t.match(human.out, /FEATURE\s+STAGE\s+FLAG/)
    t.match(human.out, /chat\s+shadow\s+off\s+yaml\s+0%\s+yaml\s+10%/)
    t.match(human.out, /legacy\s+http:\/\/127\.0\.0\.1:\d+\s+reachable/)
    const json = await run('status', '--json')
    t.equal(json.code, 0)
    t.match(JSON.parse(json.out), { health: { status: 'ok' }, flags: { features: { watch: { stage: 'new' } } } })
  })

  t.test('flag on with a canary, then rollback one and all', async (t) => {
    const on = await run('flag', 'chat', 'on', '--canary', '25')
    t.equal(on.code, 0, on.err)
    t.match(on.out, /chat: flag on, canary 25% \(was off, 0%\); stage canary/)
    t.same(app.gateway.overrides.get('chat'), { enabled: true, canary: 25 })
    const json = await run('flag', 'watch', 'off', '--json')
    t.match(JSON.parse(json.out), { feature: 'watch', after: { enabled: false } })

    const one = await run('rollback', 'chat')
    t.equal(one.code, 0)
    t.match(one.out, /rolled back chat: flag off, canary 0%/)
    const all = await run('rollback', '--json')
    t.equal(all.code, 0)
    t.same(JSON.parse(all.out).rolledBack.sort(), ['chat', 'watch'])
    t.same(app.gateway.overrides.get('watch'), { enabled: false, canary: 0 })
    const why = await run('rollback', 'watch', '--reason', 'error rate up since 14:00')
    t.equal(why.code, 0, why.err)
    const [entry] = (await app.inject({ method: 'GET', url: '/admin/audit?limit=1', headers: { authorization: `Bearer ${TOKEN}` } })).json().entries
    t.match(entry, { action: 'rollback', feature: 'watch', reason: 'error rate up since 14:00' }, '--reason reaches the audit trail')
  })

  t.test('exit codes: 1 for HTTP errors, 2 for usage, 3 when unreachable', async (t) => {
    const unknown = await run('flag', 'nope', 'on')
    t.equal(unknown.code, 1)
    t.match(unknown.err, /404 GW_ERR_ADMIN_UNKNOWN_FEATURE/)
    for (const argv of [['flag', 'chat', 'maybe'], ['flag', 'chat', 'on', '--canary', '150'], ['frobnicate'], ['status', '--bogus'], ['report'], []]) {
      t.equal((await run(...argv)).code, 2, argv.join(' '))
    }
    const wrong = await runCli(['status'], { GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: 'wrong' })
    t.equal(wrong.code, 1)
    t.match(wrong.err, /401 GW_ERR_ADMIN_UNAUTHORIZED/)
    const down = await run('status', '--url', `http://127.0.0.1:${await freePort()}`)
    t.equal(down.code, 3)
    t.match(down.err, /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/)
  })

  t.test('report: not ready exits 0 unless --fail-on-not-ready', async (t) => {
    const human = await run('report', 'chat')
    t.equal(human.code, 0)
    t.match(human.out, /chat: NOT_READY \(shadow 10%, window 60m\)/)
    t.match(human.out, /shadow new\s+120\s+12 ms\s+30 ms\s+0\.8%/)
    t.match(human.out, /new p95 30 ms/)
    t.equal((await run('report', 'chat', '--fail-on-not-ready')).code, 1)
    verdict = 'ready'
    t.equal((await run('report', 'chat', '--fail-on-not-ready')).code, 0)
    const json = await run('report', 'chat', '--json')
    t.equal(JSON.parse(json.out).recommendation.status, 'ready')
  })

  t.test('diffs: a table, filtered by feature', async (t) => {
    const human = await run('diffs', '--feature', 'watch')
    t.equal(human.code, 0)
    t.match(human.out, /watch\s+GET\s+\/api\/chat\s+200\/500\s+different\s+2\s+@status reply/)
    t.match(JSON.parse((await run('diffs', '--json')).out), { records: [{ feature: 'chat' }] })
  })
})
