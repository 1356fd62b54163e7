/** What no view handles: unknown pages, favicon, OPTIONS and HEAD, escaped exceptions. */
import t, { type Test } from 'tap'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { MemorySessionStore } from '../../../legacy-adapter/stand-in/memory-session-store.js'

async function build (t: Test) {
  const app = await buildLegacyStandIn({ sessionStore: new MemorySessionStore(60) })
  t.teardown(() => app.close())
  return app
}

t.test('unknown non-API pages are HTML 404; a missing favicon is 204', async (t) => {
  const app = await build(t)
  const page = await app.inject({ url: '/no/such/page' })
  t.equal(page.statusCode, 404)
  t.match(page.headers['content-type'], /^text\/html/)
  t.equal((await app.inject({ url: '/favicon.ico' })).statusCode, 204)
})

t.test('OPTIONS answers with Allow, HEAD works on GET routes, 405 carries Allow', async (t) => {
  const app = await build(t)
  const options = await app.inject({ method: 'OPTIONS', url: '/api/chat' })
  t.equal(options.statusCode, 200)
  t.equal(options.headers.allow, 'OPTIONS, POST')
  const head = await app.inject({ method: 'HEAD', url: '/health' })
  t.equal(head.statusCode, 200)
  const wrong = await app.inject({ method: 'DELETE', url: '/api/scenario/scenario1/category' })
  t.equal(wrong.statusCode, 405)
  t.match(wrong.headers.allow, /GET/)
})

t.test('CSRF applies to listed paths even when no view serves them', async (t) => {
  const app = await build(t)
  const response = await app.inject({ method: 'POST', url: '/api/start_scenario', payload: {} })
  t.equal(response.statusCode, 403)
  t.same(JSON.parse(response.body), { code: 'CSRF_TOKEN_MISSING', error: 'CSRF token validation failed' })
})

t.test('the form field csrf_token is accepted, as in legacy', async (t) => {
  const app = await build(t)
  const tokenResponse = await app.inject({ url: '/api/csrf-token' })
  const cookie = String(tokenResponse.headers['set-cookie']).split(';')[0]
  const token = JSON.parse(tokenResponse.body).csrf_token
  const response = await app.inject({
    method: 'POST',
    url: '/api/clear_history',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `csrf_token=${token}&mode=chat`
  })
  t.same(JSON.parse(response.body), { status: 'error', message: 'Invalid JSON' }, 'past CSRF; a form is not JSON to the view')
})
