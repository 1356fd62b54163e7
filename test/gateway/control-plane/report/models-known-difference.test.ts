/**
 * The shipped routes.yaml declares /api/models a known difference (legacy lists the model API's
 * models, new a fixed list): its pairs count apart, and a difference elsewhere in the same
 * feature still counts. Compared exactly here, as an operator tightening the session feature would.
 */
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import { request } from 'undici'
import { parseDocument } from 'yaml'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import knownDifferencesPlugin from '../../../../gateway/control-plane/report/known-differences-plugin.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { startServer } from '../../../helpers/http-server.js'

const ROUTES_FILE = new URL('../../../../routes.yaml', import.meta.url)
const model = (name: string) => ({ id: `gemini/${name}`, name, provider: 'gemini' })

/** Legacy lists three models, as the model API gave them; new its fixed two. Flags differ on ?x=1. */
const backend = (side: 'legacy' | 'new') => (req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' })
  if ((req.url ?? '').startsWith('/api/models')) {
    const models = side === 'legacy' ? ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash'].map(model) : ['gemini-1.5-pro', 'gemini-1.5-flash'].map(model)
    res.end(JSON.stringify({ models, categories: { gemini: models } }))
  } else {
    res.end(JSON.stringify({ model_selection: true, tts: side === 'new' && (req.url ?? '').includes('x=1') }))
  }
}

t.test('/api/models differences are known; another route of the feature still counts', async (t) => {
  const legacy = await startServer(backend('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(backend('new'))
  t.teardown(candidate.close)
  const doc = parseDocument(await readFile(ROUTES_FILE, 'utf8'))
  doc.setIn(['upstreams', 'legacy', 'url'], legacy.url)
  doc.setIn(['upstreams', 'new', 'url'], candidate.url)
  for (const side of ['legacy', 'new']) doc.setIn(['upstreams', side, 'metricsUrl'], null)
  doc.setIn(['features', 'session', 'compare', 'mode'], 'exact')
  const app = await buildGateway({ config: parseRoutesConfig(doc.toString()), env: {} })
  t.teardown(() => app.close())
  await app.register(knownDifferencesPlugin)
  await app.register(recorderPlugin)
  await app.register(reportPlugin, { thresholds: { minSamples: 5 } })
  await app.register(adminPlugin)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const send = async (path: string, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await (await request(`${url}${path}`)).body.dump()
    await app.gateway.shadow.idle()
  }
  const report = async () => await (await request(`${url}/admin/report/session`)).body.json() as {
    shadow: { pairs: number, different: number }, diffRate: { knownPairs: number }, recommendation: { reasons: Array<{ code: string }> }
  }

  await send('/api/models', 10)
  await send('/api/feature_flags', 10)
  let now = await report()
  t.equal(now.shadow.pairs, 20)
  t.equal(now.diffRate.knownPairs, 10, 'every /api/models pair differs, and is known')
  t.equal(now.shadow.different, 0, 'so none counts as different')
  t.notOk(now.recommendation.reasons.some((r) => r.code === 'diff_rate'), 'nor fails the verdict')

  await send('/api/feature_flags?x=1', 10)
  now = await report()
  t.equal(now.shadow.different, 10, 'a difference on another route of the feature still counts')
  t.ok(now.recommendation.reasons.some((r) => r.code === 'diff_rate'))

  const listed = await (await request(`${url}/admin/diffs/known`)).body.json() as { known: Array<{ id: string, route: string, source: string }> }
  const declared = listed.known.filter((k) => k.route === '/api/models')
  t.ok(declared.length > 0 && declared.every((k) => k.source === 'routes.yaml'), 'listed, from routes.yaml')
  const removed = await request(`${url}/admin/diffs/known/${declared[0].id}`, { method: 'DELETE' })
  t.equal(removed.statusCode, 400, 'a declared one is removed in routes.yaml, not through the API')
  t.match(await removed.body.json(), { code: 'GW_ERR_ADMIN_BAD_REQUEST', message: /declared in routes\.yaml/ })
})
