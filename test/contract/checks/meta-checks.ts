/** Health, session creation, CSRF token, models, feature flags, unknown paths and methods. */
import type { ContractCheck } from '../contract-suite.js'
import { NAIVE_ISO_TIMESTAMP, UUID4, flaskJsonProblems } from '../wire.js'
import { expectAppError, expectJson, sortedKeys } from './assertions.js'

const FLASK_SESSION_COOKIE = /^session=([^;]+); Expires=([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT); HttpOnly; Path=\/$/
const DAY_MS = 24 * 3600 * 1000

export const metaChecks: ContractCheck[] = [
  {
    name: 'health: static healthy body',
    async run (t, { client }) {
      const response = await client().get('/health')
      expectJson(t, response, 200, 'GET /health')
      t.same(sortedKeys(response.json), ['checks', 'status', 'timestamp', 'version'])
      t.equal(response.json.status, 'healthy')
      t.equal(response.json.version, '2.0.0')
      t.same(response.json.checks, { database: 'N/A', llm: 'ready' })
      t.match(response.json.timestamp, NAIVE_ISO_TIMESTAMP)
    }
  },
  {
    name: 'session: a cookie-less request creates a permanent session',
    async run (t, { client, session }) {
      const browser = client()
      const first = await browser.get('/health')
      const match = FLASK_SESSION_COOKIE.exec(first.sessionSetCookie ?? '')
      t.ok(match, `Set-Cookie is "session=<uuid4>; Expires=...; HttpOnly; Path=/" (got ${first.sessionSetCookie})`)
      if (match === null) return
      t.match(match[1], UUID4, 'the cookie value is a bare uuid4 session id')
      const lifetime = Date.parse(match[2]) - Date.now()
      t.ok(lifetime > 30 * DAY_MS && lifetime <= 31 * DAY_MS + 60_000, 'Expires is about 31 days ahead')
      t.match(await session(browser), { _permanent: true }, 'the session is stored with _permanent')

      const again = await browser.get('/health')
      t.equal(FLASK_SESSION_COOKIE.exec(again.sessionSetCookie ?? '')?.[1], match[1], 'the same session id is kept (and the cookie refreshed)')
      const other = client()
      await other.get('/health')
      t.not(other.cookie, browser.cookie, 'another cookie-less request gets another session')
    }
  },
  {
    name: 'session: /api/session/health',
    async run (t, { client }) {
      const response = await client().get('/api/session/health')
      expectJson(t, response, 200, 'GET /api/session/health')
      t.same(sortedKeys(response.json), ['details', 'session_store', 'status'])
      t.match(response.json.status, /^(healthy|degraded)$/)
      t.match(response.json.session_store, /^(filesystem|redis|fallback)$/)
      t.type(response.json.details.redis_connected, 'boolean')
      t.type(response.json.details.fallback_active, 'boolean')
    }
  },
  {
    name: 'csrf: /api/csrf-token creates one token per session',
    async run (t, { client, session }) {
      const browser = client()
      const response = await browser.get('/api/csrf-token')
      expectJson(t, response, 200, 'GET /api/csrf-token')
      t.same(sortedKeys(response.json), ['csrf_token', 'expires_in'])
      t.match(response.json.csrf_token, /^[0-9a-f]{32}$/)
      t.equal(response.json.expires_in, 3600)
      t.equal((await session(browser))?.csrf_token, response.json.csrf_token, 'stored as session["csrf_token"]')
      const again = await browser.get('/api/csrf-token')
      t.equal(again.json.csrf_token, response.json.csrf_token, 'the token does not rotate')
    }
  },
  {
    name: 'meta: /api/models',
    async run (t, { client }) {
      const response = await client().get('/api/models')
      expectJson(t, response, 200, 'GET /api/models')
      t.same(sortedKeys(response.json), ['categories', 'models'])
      t.ok(Array.isArray(response.json.models) && response.json.models.length > 0, 'models is a non-empty list')
      for (const model of response.json.models) {
        t.same(sortedKeys(model), ['id', 'name', 'provider'])
        t.match(model.id, /^gemini\//)
        t.equal(model.provider, 'gemini')
      }
      t.same(response.json.categories.gemini, response.json.models, 'categories.gemini lists the same models')
    }
  },
  {
    name: 'meta: /api/feature_flags',
    async run (t, { client }) {
      const response = await client().get('/api/feature_flags')
      expectJson(t, response, 200, 'GET /api/feature_flags')
      t.same(sortedKeys(response.json), ['default_model', 'learning_history', 'model_selection', 'strength_analysis', 'tts'])
      for (const key of ['learning_history', 'model_selection', 'strength_analysis', 'tts']) t.type(response.json[key], 'boolean', key)
      t.type(response.json.default_model, 'string')
    }
  },
  {
    name: 'errors: unknown /api path is 404 RESOURCE_NOT_FOUND',
    async run (t, { client }) {
      const response = await client().get('/api/no_such_endpoint')
      expectAppError(t, response, 404, 'RESOURCE_NOT_FOUND', 'GET /api/no_such_endpoint')
      t.ok(String(response.json?.error?.message).includes('/api/no_such_endpoint'), 'the message names the path')
    }
  },
  {
    name: 'errors: wrong method on an /api path is 405 METHOD_NOT_ALLOWED',
    async run (t, { client }) {
      const browser = client()
      expectAppError(t, await browser.get('/api/chat'), 405, 'METHOD_NOT_ALLOWED', 'GET /api/chat')
      expectAppError(t, await browser.post('/api/models', {}), 405, 'METHOD_NOT_ALLOWED', 'POST /api/models')
    }
  },
  {
    name: 'wire: every JSON body is compact, key-sorted, ASCII-escaped, newline-terminated',
    async run (t, { client, scenarios }) {
      const browser = client()
      const responses = [
        await browser.get('/health'),
        await browser.get('/api/categorized_scenarios'),
        await browser.get(`/api/scenario/${scenarios.regular.id}/category`),
        await browser.postWithCsrf('/api/start_chat', { partner_type: 'colleague', situation: 'break', topic: 'general' }),
        await browser.postWithCsrf('/api/chat', { message: 'こんにちは' }),
        await browser.post('/api/conversation_history', { type: 'chat' })
      ]
      for (const response of responses) {
        t.same(flaskJsonProblems(response.headers['content-type'], response.text), [], `wire format of ${response.text.slice(0, 40)}`)
      }
      t.ok(responses[4].text.includes('\\u'), 'Japanese text arrives as \\u escapes')
    }
  }
]
