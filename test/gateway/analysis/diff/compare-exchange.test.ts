import t from 'tap'
import { compareExchange } from '../../../../gateway/analysis/diff/compare-exchange.js'
import { DEFAULT_COMPARE_RULES } from '../../../../gateway/analysis/diff/diff-types.js'
import type { CompareRules } from '../../../../gateway/analysis/diff/diff-types.js'
import { captured, sse } from './helpers.js'

const rules = (over: Partial<CompareRules> = {}): CompareRules => ({ ...DEFAULT_COMPARE_RULES, ...over })
const body = { history: [{ ai: 'Hi', human: 'Hello', timestamp: '2026-01-01T10:00:00' }], response: 'Hi' }

t.test('gzip on one side, identity on the other, same JSON: equal', async (t) => {
  t.same(compareExchange(captured(body, { encoding: 'gzip' }), captured(body), rules()),
    { verdict: 'equal', differences: [], noiseDropped: 0 })
  t.equal(compareExchange(captured(body), captured(body, { encoding: 'br' }), rules()).verdict, 'equal')
  t.equal(compareExchange(captured(body, { encoding: 'deflate' }), captured(body, { encoding: 'gzip' }), rules()).verdict, 'equal')
})

t.test('ignore paths: different without them, equal with them', async (t) => {
  const later = { ...body, history: [{ ...body.history[0], timestamp: '2026-01-01T10:00:09' }] }
  const without = compareExchange(captured(body), captured(later), rules())
  t.equal(without.verdict, 'different')
  t.same(without.differences.map((d) => d.path), ['history.0.timestamp'])
  t.equal(compareExchange(captured(body), captured(later), rules({ ignorePaths: ['history[].timestamp'] })).verdict, 'equal')
})

t.test('shape mode: LLM replies differ in exact mode, not in shape mode', async (t) => {
  const other = { history: [{ ai: 'Hey', human: 'Hello', timestamp: '2026-01-01T10:00:00' }], response: 'Hey' }
  t.equal(compareExchange(captured(body), captured(other), rules()).verdict, 'different')
  t.equal(compareExchange(captured(body), captured(other), rules({ mode: 'shape' })).verdict, 'equal')
})

t.test('sse mode: equal streams of different text; exact mode would differ', async (t) => {
  const a = captured(sse('data: {"content":"Hel"}', 'data: {"content":"lo"}', 'data: {"done":true,"full_content":"Hello"}'), { contentType: 'text/event-stream' })
  const b = captured(sse('data: {"content":"Hi"}', 'data: {"done":true,"full_content":"Hi"}'), { contentType: 'text/event-stream' })
  t.equal(compareExchange(a, b, rules({ mode: 'sse' })).verdict, 'equal')
  t.equal(compareExchange(a, b, rules()).verdict, 'different')
  const broken = captured({ error: 'streaming unavailable' }, { status: 500 })
  const r = compareExchange(broken, b, rules({ mode: 'sse' }))
  t.same(r.differences.map((d) => d.kind), ['status', 'header', 'type'])
})

t.test('noise: differences legacy has with itself are dropped and counted', async (t) => {
  const l1 = captured({ ...body, request_id: 'a1', response: 'Hi' })
  const l2 = captured({ ...body, request_id: 'b2', response: 'Hi' })
  const c = captured({ ...body, request_id: 'c3', response: 'Hello there' })
  const without = compareExchange(l1, c, rules())
  t.same(without.differences.map((d) => d.path).sort(), ['request_id', 'response'])
  const withNoise = compareExchange(l1, c, rules(), l2)
  t.same(withNoise.differences.map((d) => d.path), ['response'])
  t.equal(withNoise.noiseDropped, 1)
  t.equal(compareExchange(l1, captured({ ...body, request_id: 'c3', response: 'Hi' }), rules(), l2).verdict, 'equal')
})

t.test('a truncated capture is too_large; a decode bomb too', async (t) => {
  t.match(compareExchange(captured(body), { ...captured(body), truncated: true }, rules()), { verdict: 'too_large', reason: /candidate/ })
  const big = captured({ pad: 'x'.repeat(100_000) }, { encoding: 'gzip' })
  const big2 = captured({ pad: 'y'.repeat(100_000) }, { encoding: 'gzip' })
  t.match(compareExchange(big, big2, rules(), undefined, { maxDecodedBytes: 10_000 }), { verdict: 'too_large' })
})

t.test('an undecodable body is error with a reason, never a throw', async (t) => {
  const bad = { ...captured(body), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }
  t.match(compareExchange(captured(body), bad, rules()), { verdict: 'error', differences: [], reason: /candidate body is not valid gzip/ })
  t.equal(compareExchange(captured(body), captured(body), rules(), bad).verdict, 'equal', 'a bad second legacy only loses the noise')
})

t.test('byte-identical answers are equal without being decoded or parsed', async (t) => {
  const corrupt = { ...captured(body), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }
  t.equal(compareExchange(corrupt, corrupt, rules()).verdict, 'equal', 'same bytes behave the same, even unreadable ones')
  t.equal(compareExchange(captured(body), captured(body, { status: 201 }), rules()).verdict, 'different')
  const cached = captured(body, { headers: { 'cache-control': 'max-age=60' } })
  t.same(compareExchange(captured(body), cached, rules({ headers: ['cache-control'] })).differences.map((d) => d.path),
    ['headers.cache-control'], 'selected headers are still compared')
})
