import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { fileURLToPath } from 'node:url'
import { loadScenarios, scenariosDirFromEnv } from '../../../new-services/scenarios/load-scenarios.js'
import { createScenarioCatalog, isWellFormedScenarioId } from '../../../new-services/scenarios/scenario-catalog.js'
import { directoryListing, legacyScenarioOrder } from '../../contract/directory-listing.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url))

t.test('single files take the stem as id, list files their entries; ordered by trailing number', async (t) => {
  const scenarios = await loadScenarios(FIXTURES)
  t.same(scenarios.map((s) => s.id).sort(), ['gray_zone_01', 'gray_zone_02', 'scenario1', 'scenario2', 'scenario31', 'training_01'])
  // Ties (scenario1, gray_zone_01, training_01) keep the order the folder lists its files in.
  t.same(scenarios.map((s) => s.id), await legacyScenarioOrder(FIXTURES))
  const first = scenarios.find((s) => s.id === 'scenario1')
  t.equal(first?.title, '新しい上司への挨拶')
  t.equal(first?.character_setting?.initial_approach, '軽く会釈して自己紹介する')
  t.same(first?.tags, ['挨拶', '上司'])
})

t.test('the legacy order on a folder of its own: listing order on ties, no number as 0, a repeated id in its first place', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ns-scenario-order-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  await writeFile(path.join(dir, 'scenario1.yaml'), 'title: 最初\n')
  await writeFile(path.join(dir, 'scenario10.yaml'), 'title: 十\n')
  await writeFile(path.join(dir, 'harassment_gray_zones.yaml'), 'scenarios:\n  - id: gray_zone_01\n    title: g1\n  - id: gray_zone_10\n    title: g10\n')
  await writeFile(path.join(dir, 'extra.yaml'), 'scenarios:\n  - id: scenario1\n    title: 重複\n  - id: welcome\n    title: w\n')
  const ids = (await loadScenarios(dir)).map((s) => s.id)
  t.same(ids, await legacyScenarioOrder(dir), 'as os.listdir lists the folder, then by trailing number')
  t.equal(ids[0], 'welcome', 'an id without a trailing number sorts as 0')
  t.equal(ids.filter((id) => id === 'scenario1').length, 1, 'a repeated id is listed once')
  const listing = await directoryListing(dir)
  const later = listing.indexOf('extra.yaml') > listing.indexOf('scenario1.yaml') ? '重複' : '最初'
  t.equal((await loadScenarios(dir)).find((s) => s.id === 'scenario1')?.title, later, 'with the content of the file listed last (a Python dict)')
})

t.test('categories follow the legacy rules: gray zones are regular', async (t) => {
  const catalog = createScenarioCatalog(await loadScenarios(FIXTURES))
  const category = (id: string): string | undefined => catalog.get(id)?.category
  t.equal(category('scenario1'), 'regular_communication')
  t.equal(category('gray_zone_01'), 'regular_communication')
  t.equal(category('training_01'), 'regular_communication', 'training_01 has no harassment marker in this fixture')
  t.equal(category('scenario31'), 'harassment_prevention')
  t.equal(catalog.get('scenario31')?.requires_consent, true)
  t.type(catalog.get('scenario31')?.warning_message, 'string')
  t.equal(catalog.get('scenario1')?.warning_message, undefined)
  const grouped = catalog.categorized()
  t.same(grouped.harassment_prevention.map((s) => s.id), ['scenario31'])
  t.same(Object.keys(grouped.regular_communication[0]).sort(), ['category', 'description', 'difficulty', 'id', 'requires_consent', 'tags', 'title'])
})

t.test('ids are checked against the legacy pattern before lookup', async (t) => {
  const catalog = createScenarioCatalog(await loadScenarios(FIXTURES))
  for (const bad of ['../etc/passwd', 'scenario', 'Scenario1', 'gray_zone_1', 42, null, 'scenario99']) {
    t.equal(catalog.get(bad), undefined, String(bad))
  }
  t.ok(isWellFormedScenarioId('gray_zone_10'))
  t.notOk(isWellFormedScenarioId('gray_zone_100'))
})

t.test('SCENARIOS_DIR overrides the stand-in sample folder', async (t) => {
  t.equal(await scenariosDirFromEnv({ SCENARIOS_DIR: '/srv/scenarios' }), '/srv/scenarios')
  t.match(await scenariosDirFromEnv({}), /legacy-adapter[/\\]stand-in[/\\]scenarios[/\\]?$/)
})

t.test('a missing folder rejects', async (t) => {
  await t.rejects(loadScenarios(fileURLToPath(new URL('../fixtures/none/', import.meta.url))))
})
