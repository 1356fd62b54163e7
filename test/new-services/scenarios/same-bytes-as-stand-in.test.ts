/**
 * routes.yaml shadows the read-only scenario and meta endpoints with an exact comparison, so the
 * new services must answer them byte for byte like the legacy stand-in on the same scenario folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { buildNewServices } from '../../../new-services/app.js'

t.test('identical bodies for the deterministic GET endpoints', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ns-same-bytes-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const legacy = await buildLegacyStandIn({ sessionMode: 'filesystem', sessionDir: dir })
  t.teardown(async () => await legacy.close())
  const next = await buildNewServices({ session: { mode: 'filesystem', dir }, env: {}, llm: { mode: 'offline' } })
  t.teardown(async () => await next.close())
  const ids = (await next.inject('/api/categorized_scenarios')).json()
  const scenarioIds = [...ids.regular_communication, ...ids.harassment_prevention].map((s: { id: string }) => s.id)
  t.ok(scenarioIds.length > 3)
  const urls = ['/api/categorized_scenarios', '/api/models', '/api/feature_flags', '/api/session/health',
    ...[...scenarioIds, 'scenario99', 'Scenario1'].map((id) => `/api/scenario/${id}/category`)]
  for (const url of urls) {
    const [a, b] = [await legacy.inject(url), await next.inject(url)]
    t.equal(b.statusCode, a.statusCode, url)
    t.equal(b.headers['content-type'], a.headers['content-type'], url)
    t.equal(b.body, a.body, url)
  }
})

t.test('the same order on a folder with ties across files', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ns-same-order-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  for (const n of [1, 2, 10]) await writeFile(path.join(dir, `scenario${n}.yaml`), `title: s${n}\n`)
  await writeFile(path.join(dir, 'harassment_gray_zones.yaml'), 'scenarios:\n  - id: gray_zone_01\n  - id: gray_zone_02\n  - id: gray_zone_10\n')
  await writeFile(path.join(dir, 'harassment_training.yaml'), 'scenarios:\n  - id: training_01\n    category: harassment_prevention\n')
  const legacy = await buildLegacyStandIn({ sessionMode: 'filesystem', sessionDir: dir, scenariosDir: dir })
  t.teardown(async () => await legacy.close())
  const next = await buildNewServices({ session: { mode: 'filesystem', dir }, env: {}, llm: { mode: 'offline' }, scenariosDir: dir })
  t.teardown(async () => await next.close())
  const [a, b] = [await legacy.inject('/api/categorized_scenarios'), await next.inject('/api/categorized_scenarios')]
  t.equal(b.body, a.body)
})
