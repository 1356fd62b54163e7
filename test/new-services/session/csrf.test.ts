import t from 'tap'
import { CSRF_PROTECTED_PATHS } from '../../../new-services/session/csrf.js'
import { buildTestApp, newClient } from '../helpers/build-test-app.js'

t.test('every protected POST needs the session token: missing -> CSRF_TOKEN_MISSING, wrong -> CSRF_TOKEN_INVALID', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  for (const url of CSRF_PROTECTED_PATHS) {
    const missing = await app.inject({ method: 'POST', url, headers: { cookie: client.cookie, 'content-type': 'application/json' }, payload: '{}' })
    t.equal(missing.statusCode, 403, url)
    t.same(missing.json(), { error: 'CSRF token validation failed', code: 'CSRF_TOKEN_MISSING' })
    const wrong = await client.post(url, {}, { 'x-csrf-token': 'f'.repeat(32) })
    t.same(wrong.json(), { error: 'CSRF token validation failed', code: 'CSRF_TOKEN_INVALID' })
  }
})

t.test('the token is accepted in X-CSRF-Token or X-CSRFToken; a session without token is invalid', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  const a = await client.post('/api/clear_history', { mode: 'chat' })
  t.equal(a.statusCode, 200)
  const b = await app.inject({ method: 'POST', url: '/api/clear_history', headers: { cookie: client.cookie, 'x-csrftoken': client.token, 'content-type': 'application/json' }, payload: '{"mode":"chat"}' })
  t.equal(b.statusCode, 200)
  const fresh = await app.inject({ method: 'POST', url: '/api/clear_history', headers: { 'x-csrf-token': client.token, 'content-type': 'application/json' }, payload: '{}' })
  t.equal(fresh.json().code, 'CSRF_TOKEN_INVALID')
})

t.test('unprotected POSTs and a checked token before a bad body', async (t) => {
  const { app } = await buildTestApp(t)
  const open = await app.inject({ method: 'POST', url: '/api/scenario_clear', headers: { 'content-type': 'application/json' }, payload: '{"scenario_id":"scenario1"}' })
  t.equal(open.statusCode, 200, 'scenario_clear is not CSRF-checked, as in legacy')
  const bad = await app.inject({ method: 'POST', url: '/api/chat', headers: { 'content-type': 'application/json' }, payload: '{not json' })
  t.equal(bad.statusCode, 403, 'CSRF is checked before the body is read')
})

t.test('/api/v2/chat accepts only X-CSRF-Token', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  const res = await app.inject({ method: 'POST', url: '/api/v2/chat', headers: { cookie: client.cookie, 'x-csrftoken': client.token, 'content-type': 'application/json' }, payload: '{"message":"hi"}' })
  t.equal(res.statusCode, 403)
  t.same(res.json(), { error: 'CSRF token validation failed' })
})
