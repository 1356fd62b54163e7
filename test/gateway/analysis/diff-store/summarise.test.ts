import t from 'tap'
import { parse } from 'yaml'
import { summarise } from '../../../../gateway/analysis/diff-store/summarise-diffs.js'

t.test('per route and per feature counts and rates', async (t) => {
  const s = summarise([
    { feature: 'chat', route: '/api/chat', outcomes: { equal: 6, different: 4, dropped: 3, error: 1, too_large: 2 }, fields: { response: 4, '@status': 1 } },
    { feature: 'chat', route: '/api/chat_feedback', outcomes: { equal: 10 }, fields: {} }
  ], {}, new Date('2026-01-01T00:00:00Z'))
  t.equal(s.generatedAt, '2026-01-01T00:00:00.000Z')
  t.match(s.routes[0], { route: '/api/chat', compared: 10, equal: 6, different: 4, dropped: 3, errors: 1, tooLarge: 2, diffRate: 0.4 })
  t.same(s.routes[0].topFields, [{ field: 'response', count: 4, rate: 0.4 }, { field: '@status', count: 1, rate: 0.1 }])
  t.match(s.features.chat, { compared: 20, different: 4, dropped: 3, diffRate: 0.2, suggestedRoutesYaml: null })
})

t.test('volatile fields: >= 90% of compared, only past the sample minimum, with an ignore rule', async (t) => {
  const counters = [{ feature: 'chat', route: '/api/chat', outcomes: { different: 20 }, fields: { 'history[].timestamp': 19, '@headers.content-type': 20, response: 5 } }]
  const s = summarise(counters)
  t.same(s.routes[0].volatileFields.map((v) => [v.field, v.suggestedIgnore]), [['@headers.content-type', null], ['history[].timestamp', 'history[].timestamp']])
  t.same(s.features.chat.suggestedIgnorePaths, ['history[].timestamp'])
  t.same(parse(s.features.chat.suggestedRoutesYaml ?? ''), { features: { chat: { compare: { ignorePaths: ['history[].timestamp'] } } } })
  t.same(summarise(counters, { volatileMinSamples: 21 }).routes[0].volatileFields, [])
})
