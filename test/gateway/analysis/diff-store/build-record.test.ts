import t from 'tap'
import { buildDiffRecord, createRecordId, hashSessionId, stripQueryValues } from '../../../../gateway/analysis/diff-store/build-record.js'
import { fieldKey, suggestedIgnore } from '../../../../gateway/analysis/diff-store/field-key.js'
import { REDACTED } from '../../../../gateway/analysis/diff/redact.js'

t.test('query values are dropped, names kept', async (t) => {
  t.equal(stripQueryValues('/api/x?page=2&q=secret'), '/api/x?page=&q=')
  t.equal(stripQueryValues('/api/x?'), '/api/x')
  t.equal(stripQueryValues('/api/x'), '/api/x')
})

t.test('session ids are hashed, stably, and never kept', async (t) => {
  t.equal(hashSessionId('abc'), hashSessionId('abc'))
  t.not(hashSessionId('abc'), hashSessionId('abd'))
  t.not(hashSessionId('abc', 'salt'), hashSessionId('abc'))
  t.match(hashSessionId('abc'), /^[0-9a-f]{16}$/)
})

t.test('ids sort by time', async (t) => {
  t.ok(createRecordId(1000) < createRecordId(2000))
})

t.test('field keys: indices generalised, non-body fields marked', async (t) => {
  t.equal(fieldKey({ kind: 'changed', path: 'history.2.ai' }), 'history[].ai')
  t.equal(fieldKey({ kind: 'array', path: 'history.12' }), 'history[]')
  t.equal(fieldKey({ kind: 'changed', path: '0.a.10.b' }), '[].a[].b')
  t.equal(fieldKey({ kind: 'status', path: 'status' }), '@status')
  t.equal(fieldKey({ kind: 'header', path: 'headers.content-type' }), '@headers.content-type')
  t.equal(suggestedIgnore('history[].timestamp'), 'history[].timestamp')
  t.equal(suggestedIgnore('@status'), null)
  t.equal(suggestedIgnore('$'), null)
})

t.test('a record: hashed session, clean path, redacted and cut differences, fields', async (t) => {
  const differences = Array.from({ length: 60 }, (_, i) => ({ kind: 'changed' as const, path: `history.${i}.timestamp`, legacy: 'a', candidate: 'b' }))
  differences.unshift({ kind: 'changed', path: 'csrf_token', legacy: 'secret-1', candidate: 'secret-2' })
  const record = buildDiffRecord({
    feature: 'chat',
    route: '/api/chat',
    method: 'post',
    url: '/api/chat?token=abc',
    sessionId: 'the-raw-session',
    legacy: { status: 200, latencyMs: 10.6 },
    candidate: null,
    result: { verdict: 'different', differences, noiseDropped: 2 },
    time: new Date('2026-01-01T00:00:00Z')
  })
  t.equal(record.time, '2026-01-01T00:00:00.000Z')
  t.equal(record.method, 'POST')
  t.equal(record.path, '/api/chat?token=')
  t.equal(record.sessionHash, hashSessionId('the-raw-session'))
  t.same(record.candidate, { status: 0, latencyMs: 0 })
  t.same(record.legacy, { status: 200, latencyMs: 11 })
  t.equal(record.differences.length, 50)
  t.equal(record.differenceCount, 61)
  t.same(record.differences[0], { kind: 'changed', path: 'csrf_token', legacy: REDACTED, candidate: REDACTED })
  t.same(record.fields, ['csrf_token', 'history[].timestamp'])
  t.equal(JSON.stringify(record).includes('the-raw-session'), false)
  t.equal(JSON.stringify(record).includes('secret-1'), false)
})
