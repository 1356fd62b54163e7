import t from 'tap'
import { createSessionCookieCodec } from '../../../legacy-adapter/session/cookie-codec.js'
import { createMemorySessionStore } from '../../../new-services/session/memory-session-store.js'
import { buildTestApp, newClient } from '../helpers/build-test-app.js'

t.test('a cookie-less request gets a session cookie like Flask-Session, and nothing is stored yet', async (t) => {
  const { app, store } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  const setCookie = String(res.headers['set-cookie'])
  t.match(setCookie, /^session=[0-9a-f-]{36}; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly; Path=\/$/)
  const expires = Date.parse(/Expires=([^;]+)/.exec(setCookie)?.[1] ?? '')
  t.ok(expires > Date.now() + 30 * 86400_000, 'permanent for 31 days')
  t.equal(await store.load(setCookie.slice(8, 44)), null)
})

t.test('a changed session is written with _permanent, and read back on the next request', async (t) => {
  const { app, store } = await buildTestApp(t)
  const client = await newClient(app)
  const stored = await store.load(client.sid)
  t.equal(stored?._permanent, true)
  t.equal(stored?.csrf_token, client.token)
  const again = await client.get('/api/csrf-token')
  t.equal(again.json().csrf_token, client.token, 'the token is created once per session')
  t.equal(String(again.headers['set-cookie']).split(';')[0], client.cookie, 'the cookie is refreshed on every response')
})

t.test('a cookie naming an unknown id keeps that id; a malformed one gets a new id', async (t) => {
  const { app } = await buildTestApp(t)
  const known = await app.inject({ method: 'GET', url: '/health', headers: { cookie: 'session=abc-123' } })
  t.match(String(known.headers['set-cookie']), /^session=abc-123;/)
  const bad = await app.inject({ method: 'GET', url: '/health', headers: { cookie: 'session=../../etc' } })
  t.notMatch(String(bad.headers['set-cookie']), /etc/)
})

t.test('shadow requests read the real session and never write it', async (t) => {
  const { app, store } = await buildTestApp(t)
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  const before = await store.load(client.sid)
  const shadow = await client.post('/api/chat', { message: 'シャドウです' }, { 'x-shadow-request': '1' })
  t.equal(shadow.statusCode, 200, 'the shadow saw the started chat')
  const cleared = await client.post('/api/clear_history', { mode: 'chat' }, { 'x-shadow-request': '1' })
  t.equal(cleared.statusCode, 200)
  t.same(await store.load(client.sid), before)
  const cookieLess = await app.inject({ method: 'GET', url: '/api/csrf-token', headers: { 'x-shadow-request': '1' } })
  t.equal(cookieLess.statusCode, 200)
  t.equal(await store.load(String(cookieLess.headers['set-cookie']).slice(8, 44)), null)
})

t.test('histories are capped to the newest entries when written', async (t) => {
  const { app, store } = await buildTestApp(t, { historyCap: 3 })
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  for (const message of ['一', '二', '三', '四']) t.equal((await client.post('/api/chat', { message })).statusCode, 200)
  const history = (await store.load(client.sid))?.chat_history as Array<{ human: string }>
  t.same(history.map((e) => e.human), ['二', '三', '四'])
})

t.test('signed cookies (the legacy Redis mode): verified, browser-session, not set for an empty session', async (t) => {
  const codec = createSessionCookieCodec({ signed: true, secret: 'a-test-secret-that-is-long-enough-1234' })
  const { app } = await buildTestApp(t, { cookieCodec: codec, cookie: { permanent: false, sameSite: 'Lax' } })
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.headers['set-cookie'], undefined, 'an empty session sets no cookie')
  const token = await app.inject({ method: 'GET', url: '/api/csrf-token' })
  const setCookie = String(token.headers['set-cookie'])
  t.match(setCookie, /^session=[0-9a-f-]{36}\.[A-Za-z0-9_-]{27}; HttpOnly; Path=\/; SameSite=Lax$/)
  const value = setCookie.split(';')[0].slice('session='.length)
  const again = await app.inject({ method: 'GET', url: '/api/csrf-token', headers: { cookie: `session=${value}` } })
  t.equal(again.json().csrf_token, token.json().csrf_token)
  t.equal(String(again.headers['set-cookie']).split(';')[0], `session=${value}`, 'a non-empty session sets it on every response')
  const forged = await app.inject({ method: 'GET', url: '/api/csrf-token', headers: { cookie: `session=${value.slice(0, -2)}xx` } })
  t.not(forged.json().csrf_token, token.json().csrf_token)
})

t.test('a failing store answers 503 in the AppError shape and never carries on with an empty session', async (t) => {
  const base = createMemorySessionStore()
  let failLoad = false
  let failSave = false
  const store = {
    ...base,
    load: async (sid: string) => { if (failLoad) throw new Error('store down'); return await base.load(sid) },
    save: async (sid: string, data: Record<string, unknown>) => { if (failSave) throw new Error('disk full'); await base.save(sid, data) }
  }
  const { app } = await buildTestApp(t, { sessionStore: store })
  const client = await newClient(app)
  failSave = true
  const unsaved = await client.post('/api/start_chat', { partner_type: 'boss' })
  t.equal(unsaved.statusCode, 503)
  t.equal(unsaved.json().error.code, 'INTERNAL_SERVER_ERROR')
  t.notMatch(unsaved.body, /disk full/)
  t.equal((await base.load(client.sid))?.chat_settings, undefined)
  failSave = false
  failLoad = true
  const unread = await client.post('/api/start_chat', { partner_type: 'boss' })
  t.equal(unread.statusCode, 503)
  t.equal((await base.load(client.sid))?.chat_settings, undefined, 'nothing written over the unreadable session')
})
