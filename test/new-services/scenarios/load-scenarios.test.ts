import t from 'tap'
import { fileURLToPath } from 'node:url'
import { loadScenarios, scenariosDirFromEnv } from '../../../new-services/scenarios/load-scenarios.js'
import { createScenarioCatalog, isWellFormedScenarioId } from '../../../new-services/scenarios/scenario-catalog.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url))

t.test('single files take the stem as id, list files their entries; ordered by trailing number', async (t) => {
  const scenarios = await loadScenarios(FIXTURES)
  // Ties: scenarioN files first, then the list files by name (as the stand-in orders them).
  t.same(scenarios.map((s) => s.id), ['scenario1', 'gray_zone_01', 'training_01', 'scenario2', 'gray_zone_02', 'scenario31'])
  const first = scenarios.find((s) => s.id === 'scenario1')
  t.equal(first?.title, '新しい上司への挨拶')
  t.equal(first?.character_setting?.initial_approach, '軽く会釈して自己紹介する')
  t.same(first?.tags, ['挨拶', '上司'])
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
