import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { DEFAULT_SCENARIOS_DIR, isWellFormedScenarioId, loadScenarioCatalog } from '../../../legacy-adapter/stand-in/scenario-catalog.js'
import { directoryListing, legacyScenarioOrder } from '../../contract/directory-listing.js'

t.test('the sample folder: ids, order, categories', async (t) => {
  const catalog = await loadScenarioCatalog()
  t.same([...catalog.keys()].sort(),
    ['gray_zone_01', 'gray_zone_02', 'scenario1', 'scenario2', 'scenario3', 'scenario31', 'scenario32', 'training_01'])
  t.same([...catalog.keys()], await legacyScenarioOrder(DEFAULT_SCENARIOS_DIR), 'by trailing number; ties as the folder lists its files')
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

t.test('a folder of its own: ties in listing order, no number as 0, a repeated id in its first place', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'scenarios-order-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(path.join(dir, 'scenario1.yaml'), 'title: 最初\n')
  await writeFile(path.join(dir, 'scenario10.yaml'), 'title: 十\n')
  await writeFile(path.join(dir, 'harassment_gray_zones.yaml'), 'scenarios:\n  - id: gray_zone_01\n    title: g1\n  - id: gray_zone_10\n    title: g10\n')
  await writeFile(path.join(dir, 'extra.yaml'), 'scenarios:\n  - id: scenario1\n    title: 重複\n  - id: welcome\n    title: w\n')
  const catalog = await loadScenarioCatalog(dir)
  t.same([...catalog.keys()], await legacyScenarioOrder(dir), 'as os.listdir lists the folder, then by trailing number')
  t.equal([...catalog.keys()][0], 'welcome', 'an id without a trailing number sorts as 0')
  const listing = await directoryListing(dir)
  const later = listing.indexOf('extra.yaml') > listing.indexOf('scenario1.yaml') ? '重複' : '最初'
  t.equal(catalog.get('scenario1')?.title, later, 'with the content of the file listed last (a Python dict)')
})

t.test('scenario id syntax', async (t) => {
  for (const ok of ['scenario1', 'scenario43', 'gray_zone_01', 'training_01']) t.ok(isWellFormedScenarioId(ok), ok)
  for (const bad of ['scenario', 'Scenario1', 'training_1', '../x', 'gray-zone_01', 'scenario1 ']) t.notOk(isWellFormedScenarioId(bad), bad)
})
