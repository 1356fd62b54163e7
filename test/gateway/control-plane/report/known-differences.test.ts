/**
 * Known differences: an accepted signature stops counting toward the verdict and is counted
 * apart; an unaccepted difference on the same route still counts. Accepting is audited.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import { request } from 'undici'
import { pathMatches, matchIn, type KnownDifference } from '../../../../gateway/analysis/known-differences/known-difference.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import knownDifferencesPlugin from '../../../../gateway/control-plane/report/known-differences-plugin.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'

/** The two sides list the same items in another order; with ?x=1 new also gets a field wrong. */
const backend = (side: 'legacy' | 'new') => (req: IncomingMessage, res: ServerResponse): void => {
  const items = side === 'legacy' ? ['gray_zone_10', 'scenario10'] : ['scenario10', 'gray_zone_10']
  const broken = side === 'new' && (req.url ?? '').includes('x=1')
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ items, title: broken ? 'wrong' : 'scenarios' }))
}

t.test('an accepted known difference counts apart; an unaccepted one on the same route still counts', async (t) => {
  const legacy = await startServer(backend('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(backend('new'))
  t.teardown(candidate.close)
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: { scenario: { enabled: false, shadow: { sample: 100 } } },
    routes: [{ path: '/api/categorized_scenarios', feature: 'scenario' }]
  }))
  const app = await buildGateway({ config, env: {} })
  t.teardown(() => app.close())
  await app.register(knownDifferencesPlugin)
  await app.register(recorderPlugin)
  await app.register(reportPlugin, { thresholds: { minSamples: 5 } })
  await app.register(adminPlugin)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const send = async (n: number, query = ''): Promise<void> => {
    for (let i = 0; i < n; i++) await (await request(`${url}/api/categorized_scenarios${query}`)).body.dump()
    await app.gateway.shadow.idle()
  }
  const report = async () => await (await request(`${url}/admin/report/scenario`)).body.json() as {
    shadow: { pairs: number, different: number }, diffRate: { shadowPairs: number, knownPairs: number }, recommendation: { reasons: Array<{ code: string }> }
  }

  await send(10)
  t.match((await report()).diffRate, { shadowPairs: 1, knownPairs: 0 }, 'the ordering differs on every request')
  t.ok((await report()).recommendation.reasons.some((r) => r.code === 'diff_rate'), 'and fails the verdict')

  const accepted = await request(`${url}/admin/diffs/known`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ feature: 'scenario', route: '/api/categorized_scenarios', path: 'items[]', kind: 'changed', reason: 'ordering only: os.listdir order', ttl: '30d' })
  })
  t.equal(accepted.statusCode, 201)
  const entry = await accepted.body.json() as KnownDifference
  t.match(entry, { id: /^[0-9a-f]{12}$/, path: 'items[]', expiresAt: String })

  await send(30)
  const afterAccept = await report()
  t.equal(afterAccept.shadow.pairs, 40)
  t.equal(afterAccept.diffRate.knownPairs, 30, 'the accepted pairs are counted, apart')
  t.equal(afterAccept.shadow.different, 10, 'only the pairs from before the accept still differ')

  await send(10, '?x=1')
  const afterBroken = await report()
  t.equal(afterBroken.shadow.different, 20, 'a pair with a difference nobody accepted still counts, on the same route')
  t.equal(afterBroken.diffRate.knownPairs, 30)

  const diffs = await (await request(`${url}/admin/diffs?limit=50`)).body.json() as { records: Array<{ known: boolean, fields: string[] }> }
  t.ok(diffs.records.some((r) => r.known), 'records of accepted pairs are shown, marked known')
  t.ok(diffs.records.some((r) => !r.known && r.fields.includes('title')), 'the unaccepted ones are not')

  const audit = await (await request(`${url}/admin/audit`)).body.json() as { entries: Array<{ action: string }> }
  t.equal(audit.entries[0].action, 'diff.known.add')
  const removed = await request(`${url}/admin/diffs/known/${entry.id}`, { method: 'DELETE' })
  t.equal(removed.statusCode, 200)
  await removed.body.dump()
  t.same((await (await request(`${url}/admin/diffs/known`)).body.json() as { known: unknown[] }).known, [])
  const gone = await request(`${url}/admin/diffs/known/${entry.id}`, { method: 'DELETE' })
  t.equal(gone.statusCode, 404)
  await gone.body.dump()
})

t.test('paths match as ignore paths do; an expired acceptance matches nothing', async (t) => {
  t.ok(pathMatches('items[]', 'items.0'))
  t.ok(pathMatches('items[].id', 'items.18.id'))
  t.ok(pathMatches('history[].ai', 'history[].ai'), 'shape-mode paths')
  t.ok(pathMatches('**.timestamp', 'a.b.timestamp'))
  t.notOk(pathMatches('items[].id', 'items.18.name'))
  t.notOk(pathMatches('items', 'items.0'), 'a path names that node only')
  const entry: KnownDifference = { id: 'a', feature: 'f', route: '/r', path: 'x', kind: 'changed', reason: 'r', acceptedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-06-01T00:00:00Z', acceptedBy: null, source: 'admin' }
  const diff = { kind: 'changed' as const, path: 'x' }
  t.ok(matchIn([entry], 'f', '/r', diff, Date.parse('2026-05-31T00:00:00Z')))
  t.notOk(matchIn([entry], 'f', '/r', diff, Date.parse('2026-06-01T00:00:00Z')), 'expired')
  t.notOk(matchIn([entry], 'f', '/other', diff, Date.parse('2026-05-31T00:00:00Z')), 'another route')
  t.notOk(matchIn([entry], 'f', '/r', { kind: 'missing', path: 'x' }, Date.parse('2026-05-31T00:00:00Z')), 'another kind')
})
