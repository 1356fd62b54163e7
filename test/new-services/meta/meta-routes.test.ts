import t from 'tap'
import { buildTestApp } from '../helpers/build-test-app.js'

t.test('/health is static and Flask-shaped', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.match(res.body, /^\{"checks":\{"database":"N\/A","llm":"ready"\},"status":"healthy","timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?","version":"2\.0\.0"\}\n$/)
})

t.test('/api/session/health reports the store kind', async (t) => {
  const { app } = await buildTestApp(t, { sessionStoreInfo: { kind: 'filesystem', sessionDir: './flask_session' } })
  t.same((await app.inject('/api/session/health')).json(), {
    status: 'healthy', session_store: 'filesystem', details: { redis_connected: false, fallback_active: false, session_dir: './flask_session' }
  })
  const redis = await buildTestApp(t, { sessionStoreInfo: { kind: 'redis', ping: async () => false } })
  const body = (await redis.app.inject('/api/session/health')).json()
  t.equal(body.status, 'degraded')
  t.equal(body.session_store, 'redis')
})

t.test('/api/csrf-token, /api/models and /api/feature_flags', async (t) => {
  const { app } = await buildTestApp(t, { env: { DEFAULT_MODEL: 'gemini/gemini-2.5-flash' } })
  const token = (await app.inject('/api/csrf-token')).json()
  t.match(token, { csrf_token: /^[0-9a-f]{32}$/, expires_in: 3600 })
  const models = (await app.inject('/api/models')).json()
  t.same(models.models.map((m: { id: string }) => m.id), ['gemini/gemini-1.5-pro', 'gemini/gemini-1.5-flash'])
  t.same(models.categories.gemini, models.models)
  t.same((await app.inject('/api/feature_flags')).json(), {
    model_selection: true, tts: false, learning_history: true, strength_analysis: true, default_model: 'gemini/gemini-2.5-flash'
  })
  const off = await buildTestApp(t, { env: { ENABLE_MODEL_SELECTION: 'false' } })
  const disabled = (await off.app.inject('/api/models')).json()
  t.equal(disabled.feature_disabled, true)
  t.same(disabled.models, [{ name: 'gemini/gemini-1.5-flash', display_name: 'Default Model' }])
})

t.test('unknown API paths 404 and wrong methods 405 in the AppError shape', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await app.inject('/api/x')
  t.equal(missing.statusCode, 404)
  t.same(Object.keys(missing.json().error).sort(), ['code', 'error_id', 'message'])
  t.equal(missing.json().error.message, 'APIエンドポイントが見つかりません (ID: /api/x)')
  const wrong = await app.inject({ method: 'GET', url: '/api/start_chat' })
  t.equal(wrong.statusCode, 405)
  t.equal(wrong.json().error.code, 'METHOD_NOT_ALLOWED')
  t.equal((await app.inject({ method: 'DELETE', url: '/api/scenario/scenario1/category' })).statusCode, 405)
})
