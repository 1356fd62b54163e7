/** Which rules a golden step is compared with: defaults, the matching feature in routes.yaml, the case, the step. */
import t from 'tap'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { createRulesResolver } from '../../../../gateway/tooling/golden/compare-rules.js'
import { routesYaml } from '../../../helpers/gateway.js'

const config = parseRoutesConfig(routesYaml({
  legacy: 'http://127.0.0.1:1',
  new: 'http://127.0.0.1:2',
  features: {
    chat: { compare: { mode: 'shape', ignorePaths: ['history[].timestamp'], secondLegacyCall: true } },
    scenario: { compare: { mode: 'exact', numericTolerance: 0.5 } }
  },
  routes: [
    { path: '/api/chat', methods: ['POST'], feature: 'chat' },
    { path: '/api/scenario/:id/category', methods: ['GET'], feature: 'scenario' }
  ]
}))

t.test('the matching feature\'s rules, plus the file\'s ignore paths', async (t) => {
  const rulesFor = createRulesResolver(['timestamp', 'session_id'], config)
  t.match(rulesFor({ method: 'POST', path: '/api/chat' }), {
    feature: 'chat', mode: 'shape', ignorePaths: ['timestamp', 'session_id', 'history[].timestamp'], headers: ['content-type']
  })
  t.notOk('secondLegacyCall' in rulesFor({ method: 'POST', path: '/api/chat' }), 'a replay has no second legacy answer')
  t.match(rulesFor({ method: 'GET', path: '/api/scenario/scenario1/category?x=1' }), { feature: 'scenario', mode: 'exact', numericTolerance: 0.5 }, 'matched on the path without its query')
  t.match(rulesFor({ method: 'GET', path: '/api/chat' }), { feature: null, mode: 'exact', ignorePaths: ['timestamp', 'session_id'] }, 'no route for GET: defaults')
})

t.test('the case overrides the feature, the step overrides the case; ignore paths add up', async (t) => {
  const rulesFor = createRulesResolver(['timestamp'], config)
  const rules = rulesFor({ method: 'POST', path: '/api/chat', compare: { mode: 'sse', ignorePaths: ['c'] } }, { mode: 'exact', ignorePaths: ['b'] })
  t.match(rules, { feature: 'chat', mode: 'sse', ignorePaths: ['timestamp', 'history[].timestamp', 'b', 'c'] })
  t.equal(rulesFor({ method: 'POST', path: '/api/chat' }, { mode: 'exact' }).mode, 'exact')
})

t.test('without routes.yaml: the engine\'s defaults', async (t) => {
  t.match(createRulesResolver([])({ method: 'POST', path: '/api/chat' }), { feature: null, mode: 'exact', ignorePaths: [], headers: ['content-type'] })
})
