import t from 'tap'
import { compareResponses, normaliseContentType } from '../../../../gateway/analysis/diff/compare.js'
import { normalise } from '../../../../gateway/analysis/diff/normalise.js'
import { DEFAULT_COMPARE_RULES } from '../../../../gateway/analysis/diff/diff-types.js'
import type { CapturedResponse, CompareRules } from '../../../../gateway/analysis/diff/diff-types.js'
import { captured } from './helpers.js'

function diff (l: CapturedResponse, c: CapturedResponse, over: Partial<CompareRules> = {}): ReturnType<typeof compareResponses> {
  const rules = { ...DEFAULT_COMPARE_RULES, ...over }
  return compareResponses(normalise(l, rules), normalise(c, rules), rules)
}

t.test('status differences', async (t) => {
  t.same(diff(captured({}), captured({}, { status: 500 })), [{ kind: 'status', path: 'status', legacy: 200, candidate: 500 }])
})

t.test('content-type compares on media type, utf-8 charset is the default', async (t) => {
  t.equal(normaliseContentType('Application/JSON; charset=UTF-8'), 'application/json')
  t.same(diff(captured({}), captured({}, { contentType: 'application/json; charset=utf-8' })), [])
  t.same(diff(captured('x', { contentType: 'text/plain' }), captured('x', { contentType: 'text/html' })),
    [{ kind: 'header', path: 'headers.content-type', legacy: 'text/plain', candidate: 'text/html' }])
})

t.test('only the selected headers are compared', async (t) => {
  const l = captured({}, { headers: { 'cache-control': 'no-store' } })
  const c = captured({}, { headers: { 'cache-control': 'max-age=60' } })
  t.same(diff(l, c), [])
  t.same(diff(l, c, { headers: ['content-type', 'Cache-Control'] }),
    [{ kind: 'header', path: 'headers.cache-control', legacy: 'no-store', candidate: 'max-age=60' }])
})

t.test('array order: a difference unless arrayOrderInsensitive', async (t) => {
  const l = captured({ models: [{ id: 'a' }, { id: 'b' }] })
  const c = captured({ models: [{ id: 'b' }, { id: 'a' }] })
  t.equal(diff(l, c).length, 2)
  t.same(diff(l, c, { arrayOrderInsensitive: true }), [])
  t.equal(diff(l, captured({ models: [{ id: 'b' }, { id: 'c' }] }), { arrayOrderInsensitive: true }).length > 0, true)
})

t.test('numeric tolerance: a difference unless within tolerance', async (t) => {
  const l = captured({ score: 0.71 })
  const c = captured({ score: 0.7100001 })
  t.same(diff(l, c), [{ kind: 'changed', path: 'score', legacy: 0.71, candidate: 0.7100001 }])
  t.same(diff(l, c, { numericTolerance: 0.001 }), [])
})

t.test('whitespace-insensitive text: a difference unless the option is on', async (t) => {
  const l = captured('Hello  world\n', { contentType: 'text/plain' })
  const c = captured('Hello world', { contentType: 'text/plain' })
  t.same(diff(l, c), [{ kind: 'changed', path: '$', legacy: 'Hello  world\n', candidate: 'Hello world' }])
  t.same(diff(l, c, { whitespaceInsensitive: true }), [])
})

t.test('shape mode: values free, keys and types not', async (t) => {
  const l = captured({ response: 'Sure, let us talk.', history: [{ ai: 'x', n: 1 }] })
  const c = captured({ response: 'Happy to help!', history: [{ ai: 'y', n: 2 }, { ai: 'z', n: 3 }] })
  t.ok(diff(l, c).length > 0, 'exact mode sees the LLM text')
  t.same(diff(l, c, { mode: 'shape' }), [])
  t.same(diff(l, captured({ response: 42, history: [] }), { mode: 'shape' }).map((d) => [d.kind, d.path]),
    [['type', 'response'], ['type', 'history[]']])
  t.same(diff(l, captured({ history: [{ ai: 'x', n: 1, extra: true }] }), { mode: 'shape' }).map((d) => [d.kind, d.path]),
    [['missing', 'response'], ['extra', 'history[].extra']])
})

t.test('body kinds that differ are one type difference at $', async (t) => {
  t.same(diff(captured({ a: 1 }), captured('{oops')), [{ kind: 'type', path: '$', legacy: 'json', candidate: 'text' }])
})

t.test('binary bodies compare by digest', async (t) => {
  const png = { contentType: 'image/png' }
  t.same(diff(captured(Buffer.from([1]), png), captured(Buffer.from([1]), png)), [])
  t.match(diff(captured(Buffer.from([1]), png), captured(Buffer.from([2]), png)), [{ kind: 'changed', path: '$' }])
})
