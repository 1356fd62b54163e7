import t from 'tap'
import { bodyFormat, normalise } from '../../../../gateway/analysis/diff/normalise.js'
import { DEFAULT_COMPARE_RULES } from '../../../../gateway/analysis/diff/diff-types.js'
import { captured, sse } from './helpers.js'

const rules = { ...DEFAULT_COMPARE_RULES }

t.test('content type picks the parser', async (t) => {
  t.equal(bodyFormat('application/json; charset=utf-8'), 'json')
  t.equal(bodyFormat('application/problem+json'), 'json')
  t.equal(bodyFormat('text/event-stream'), 'sse')
  t.equal(bodyFormat('text/html'), 'text')
  t.equal(bodyFormat(undefined), 'text')
  t.equal(bodyFormat('image/png'), 'binary')
})

t.test('gzip JSON is decoded and parsed', async (t) => {
  const n = normalise(captured({ a: 1 }, { encoding: 'gzip' }), rules)
  t.same(n.body, { kind: 'json', value: { a: 1 } })
})

t.test('volatile headers go, names are lower-cased, repeats joined', async (t) => {
  const n = normalise(captured({}, { headers: { Date: 'x', 'Set-Cookie': 's', Server: 'w', 'X-Request-Id': 'r', 'X-Served-By': 'legacy', 'X-Thing': 'k' } }), rules)
  t.same(Object.keys(n.headers).sort(), ['content-type', 'x-thing'])
  const m = normalise({ ...captured({}), headers: { 'content-type': 'application/json', vary: ['a', 'b'] } }, rules)
  t.equal(m.headers.vary, 'a, b')
})

t.test('JSON that does not parse becomes text; empty bodies are empty', async (t) => {
  t.same(normalise(captured('{broken'), rules).body, { kind: 'text', value: '{broken' })
  t.same(normalise(captured(''), rules).body, { kind: 'empty' })
})

t.test('ignore paths apply to JSON bodies and to SSE event data', async (t) => {
  const r = { ...rules, ignorePaths: ['timestamp', 'full_content'] }
  t.same(normalise(captured({ timestamp: 't', a: 1 }), r).body, { kind: 'json', value: { a: 1 } })
  const s = normalise(captured(sse('data: {"done":true,"full_content":"x"}'), { contentType: 'text/event-stream' }), r)
  t.same(s.body, { kind: 'sse', events: [{ event: 'message', data: '{"done":true,"full_content":"x"}', json: { done: true } }] })
})

t.test('whitespace-insensitive collapses text bodies and JSON strings', async (t) => {
  const r = { ...rules, whitespaceInsensitive: true }
  t.same(normalise(captured('  a \n\n b  ', { contentType: 'text/plain' }), r).body, { kind: 'text', value: 'a b' })
  t.same(normalise(captured({ m: 'x\n  y ' }), r).body, { kind: 'json', value: { m: 'x y' } })
  t.same(normalise(captured({ m: 'x\n  y ' }), rules).body, { kind: 'json', value: { m: 'x\n  y ' } })
})

t.test('binary bodies are hashed, not kept', async (t) => {
  const n = normalise(captured(Buffer.from([1, 2, 3]), { contentType: 'image/png' }), rules)
  t.match(n.body, { kind: 'binary', length: 3, sha256: /^[0-9a-f]{64}$/ })
})
