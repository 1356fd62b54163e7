/**
 * Legacy behaviours kept on purpose: model failures in scenario chat answer 200 with an apology,
 * a vanished watch_history or a three-way entry is a 500, and /api/v2/chat is rate-limited per
 * address before it fails.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { MemorySessionStore } from '../../../legacy-adapter/stand-in/memory-session-store.js'
import { V2_RATE_LIMIT } from '../../../legacy-adapter/stand-in/routes/v2-chat.js'

async function browserOf (app: FastifyInstance): Promise<{ cookie: string, token: string }> {
  const response = await app.inject({ url: '/api/csrf-token' })
  return { cookie: String(response.headers['set-cookie']).split(';')[0], token: JSON.parse(response.body).csrf_token }
}

t.test('a failing model in scenario_chat is a 200 apology, stored as the reply', async (t) => {
  const store = new MemorySessionStore(60)
  const app = await buildLegacyStandIn({
    sessionStore: store,
    llm: { invoke: async () => { throw new Error('quota exceeded') } }
  })
  t.teardown(() => app.close())
  const { cookie, token } = await browserOf(app)
  const response = await app.inject({
    method: 'POST', url: '/api/scenario_chat', headers: { cookie, 'x-csrf-token': token }, payload: { scenario_id: 'scenario1', message: '' }
  })
  t.equal(response.statusCode, 200)
  t.same(JSON.parse(response.body), { response: '申し訳ありません。quota exceeded' })
  const failedStart = await app.inject({
    method: 'POST', url: '/api/start_chat', headers: { cookie, 'x-csrf-token': token }, payload: { partner_type: 'boss' }
  })
  t.equal(failedStart.statusCode, 500)
  t.match(JSON.parse(failedStart.body), { error: /^雑談開始に失敗しました: quota exceeded/ })
})

t.test('a watch history without speakers or without a list is a 500', async (t) => {
  const store = new MemorySessionStore(60)
  const app = await buildLegacyStandIn({ sessionStore: store })
  t.teardown(() => app.close())
  const { cookie, token } = await browserOf(app)
  const sid = cookie.slice('session='.length)
  await store.update(sid, (s) => ({ ...s, watch_history: [{ role: 'user', content: 'three-way' }] }))
  const history = await app.inject({ method: 'POST', url: '/api/conversation_history', headers: { cookie }, payload: { type: 'watch' } })
  t.equal(history.statusCode, 500)
  t.equal(JSON.parse(history.body).error.code, 'UNEXPECTED_ERROR')

  await store.update(sid, (s) => {
    const { watch_history: _dropped, ...rest } = s
    return { ...rest, watch_settings: { model_a: '', model_b: '', current_speaker: 'A' } }
  })
  const next = await app.inject({ method: 'POST', url: '/api/watch/next', headers: { cookie, 'x-csrf-token': token } })
  t.equal(next.statusCode, 500, 'session/clear type watch leaves watch_settings: legacy then fails')
})

t.test('/api/v2/chat allows 30 requests a minute per address', async (t) => {
  const app = await buildLegacyStandIn({ sessionStore: new MemorySessionStore(60) })
  t.teardown(() => app.close())
  const { cookie, token } = await browserOf(app)
  const send = async () => await app.inject({ method: 'POST', url: '/api/v2/chat', headers: { cookie, 'x-csrf-token': token }, payload: { message: 'x' } })
  for (let i = 0; i < V2_RATE_LIMIT.requests; i++) t.equal((await send()).statusCode, 200)
  const limited = await send()
  t.equal(limited.statusCode, 429)
  t.same(JSON.parse(limited.body), { error: 'Rate limit exceeded', retry_after: 60 })
})
