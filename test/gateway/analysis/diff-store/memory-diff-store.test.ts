import t from 'tap'
import { createMemoryDiffStore } from '../../../../gateway/analysis/diff-store/memory-diff-store.js'
import { sampleRecord } from './helpers.js'

t.test('records, counters, cap per route, newest first, filters and pages', async (t) => {
  const store = createMemoryDiffStore({ maxRecordsPerRoute: 3 })
  t.teardown(() => store.close())
  for (let i = 0; i < 5; i++) await store.record(sampleRecord({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }))
  await store.record(sampleRecord({ verdict: 'equal' }))
  await store.record(sampleRecord({ route: '/api/models', feature: 'meta', differences: [{ kind: 'status', path: 'status', legacy: 200, candidate: 500 }], time: new Date(Date.UTC(2026, 0, 2)) }))
  await store.countOutcome('chat', '/api/chat', 'dropped')

  const chat = await store.list({ route: '/api/chat' })
  t.equal(chat.records.length, 3, 'capped at maxRecordsPerRoute; equal exchanges are counted, not kept')
  t.same(chat.records.map((r) => r.time.slice(17, 19)), ['04', '03', '02'])
  const all = await store.list({ limit: 2 })
  t.equal(all.records[0].route, '/api/models')
  t.equal(all.nextOffset, 2)
  t.equal((await store.list({ limit: 2, offset: 2 })).nextOffset, null)
  t.same((await store.list({ kind: 'status' })).records.map((r) => r.route), ['/api/models'])
  t.same((await store.list({ feature: 'nope' })).records, [])

  const s = await store.summary()
  t.match(s.routes.find((r) => r.route === '/api/chat'), { compared: 6, equal: 1, different: 5, dropped: 1 })
  t.match(store.stats(), { backend: 'memory', recordsWritten: 7, countersWritten: 1, recordsDropped: 0 })
})

t.test('field counters per route are bounded', async (t) => {
  const store = createMemoryDiffStore({ maxFieldsPerRoute: 2 })
  await store.record(sampleRecord({ differences: ['a', 'b', 'c'].map((path) => ({ kind: 'changed' as const, path })) }))
  t.same((await store.summary()).routes[0].topFields.map((f) => f.field), ['a', 'b'])
})
