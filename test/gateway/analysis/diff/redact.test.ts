import t from 'tap'
import { isSecretKey, REDACTED, redactDifferences, redactValue } from '../../../../gateway/analysis/diff/redact.js'

t.test('secret-looking keys', async (t) => {
  for (const k of ['session_id', 'sessionId', 'set-cookie', 'csrf_token', 'access_token', 'token', 'authorization', 'api_key', 'password', 'sid']) {
    t.equal(isSecretKey(k), true, k)
  }
  for (const k of ['max_tokens', 'response', 'model', 'history', 'timestamp']) t.equal(isSecretKey(k), false, k)
})

t.test('values: secrets by key, bearer strings, long strings cut with a marker', async (t) => {
  const out = redactValue({ csrf_token: 'abc', nested: { session_id: 'raw' }, auth: 'Bearer xyz', text: 'x'.repeat(300) }, { maxStringLength: 10 }) as Record<string, unknown>
  t.equal(out.csrf_token, REDACTED)
  t.same(out.nested, { session_id: REDACTED })
  t.equal(out.auth, REDACTED)
  t.equal(out.text, `${'x'.repeat(10)}…[290 more chars]`)
})

t.test('big arrays and deep objects are cut', async (t) => {
  t.same(redactValue([1, 2, 3, 4], { maxArrayItems: 2 }), [1, 2, '…[2 more items]'])
  t.same(redactValue({ a: { b: { c: 1 } } }, { maxDepth: 2 }), { a: { b: '[object]' } })
})

t.test('differences: a secret leaf hides both values; kinds and paths stay', async (t) => {
  t.same(redactDifferences([
    { kind: 'changed', path: 'user.session_id', legacy: 'raw1', candidate: 'raw2' },
    { kind: 'header', path: 'headers.set-cookie', legacy: 'session=abc' },
    { kind: 'missing', path: 'history.1', legacy: { ai: 'x', csrf_token: 't' } }
  ]), [
    { kind: 'changed', path: 'user.session_id', legacy: REDACTED, candidate: REDACTED },
    { kind: 'header', path: 'headers.set-cookie', legacy: REDACTED },
    { kind: 'missing', path: 'history.1', legacy: { ai: 'x', csrf_token: REDACTED } }
  ])
})
