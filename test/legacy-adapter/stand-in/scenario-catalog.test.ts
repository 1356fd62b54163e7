import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { isWellFormedScenarioId, loadScenarioCatalog } from '../../../legacy-adapter/stand-in/scenario-catalog.js'

t.test('the sample folder: ids, order, categories', async (t) => {
  const catalog = await loadScenarioCatalog()
  t.same([...catalog.keys()],
    ['scenario1', 'gray_zone_01', 'training_01', 'scenario2', 'gray_zone_02', 'scenario3', 'scenario31', 'scenario32'],
    'ordered by trailing number; scenarioN files first on ties')
  t.equal(catalog.get('scenario1')?.category, 'regular_communication')
  t.equal(catalog.get('gray_zone_01')?.category, 'regular_communication', 'gray zones stay regular, a legacy quirk')
  t.equal(catalog.get('training_01')?.category, 'harassment_prevention', 'by its category field')
  t.equal(catalog.get('scenario32')?.category, 'harassment_prevention', 'by its id in 31-43')
  t.equal(catalog.get('scenario31')?.role_type, 'reverse')
  t.type(catalog.get('scenario31')?.initial_context, 'string')
  t.type(catalog.get('scenario1')?.character_setting?.initial_approach, 'string')
  t.equal(catalog.get('training_01')?.character_setting, undefined, 'list entries have no character')
})

t.test('a folder of its own: ids containing "harassment" count, non-YAML is ignored', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'scenarios-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(path.join(dir, 'list.yaml'), 'scenarios:\n  - id: harassment_basics_01\n    title: T\n  - title: no id, skipped\n')
  await writeFile(path.join(dir, 'scenario7.yml'), 'title: Seven\ntags: [a]\n')
  await writeFile(path.join(dir, 'README.md'), '# not a scenario')
  const catalog = await loadScenarioCatalog(dir)
  t.same([...catalog.keys()], ['harassment_basics_01', 'scenario7'])
  t.equal(catalog.get('harassment_basics_01')?.requires_consent, true)
  t.same(catalog.get('scenario7')?.tags, ['a'])
})

t.test('scenario id syntax', async (t) => {
  for (const ok of ['scenario1', 'scenario43', 'gray_zone_01', 'training_01']) t.ok(isWellFormedScenarioId(ok), ok)
  for (const bad of ['scenario', 'Scenario1', 'training_1', '../x', 'gray-zone_01', 'scenario1 ']) t.notOk(isWellFormedScenarioId(bad), bad)
})
