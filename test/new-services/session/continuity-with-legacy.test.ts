/**
 * One user moves between the legacy stand-in and the new services mid-conversation: both read
 * and write the same Flask-Session store, so the history stays whole on every side. Run for the
 * filesystem store (the legacy default) and the Redis store (signed cookies).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { createRedisSessionStore } from '../../../legacy-adapter/session/redis-store.js'
import type { SessionStore } from '../../../legacy-adapter/session/session-types.js'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { buildNewServices } from '../../../new-services/app.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../helpers/requirements.js'

const SECRET = 'continuity-test-secret-key-0123456789abcdef'

async function conversation (t: Test, legacy: FastifyInstance, next: FastifyInstance, store: SessionStore): Promise<void> {
  const token = await legacy.inject({ method: 'GET', url: '/api/csrf-token' })
  const cookie = String(token.headers['set-cookie']).split(';')[0]
  const headers = { cookie, 'x-csrf-token': token.json().csrf_token as string, 'content-type': 'application/json' }
  const post = async (app: FastifyInstance, url: string, body: unknown): Promise<number> =>
    (await app.inject({ method: 'POST', url, headers, payload: JSON.stringify(body) })).statusCode
  const history = async (app: FastifyInstance): Promise<Array<{ human: string }>> =>
    (await app.inject({ method: 'POST', url: '/api/conversation_history', headers, payload: '{"type":"chat"}' })).json().history

  t.equal(await post(legacy, '/api/start_chat', { partner_type: 'boss', situation: 'lunch', topic: 'food' }), 200)
  t.equal(await post(legacy, '/api/chat', { message: '一つ目は旧アプリで' }), 200)
  t.equal(await post(next, '/api/chat', { message: '二つ目は新サービスで' }), 200, 'the canary moved the user to new')
  const streamed = await next.inject({ method: 'POST', url: '/api/v2/chat', headers, payload: JSON.stringify({ message: '三つ目はストリームで' }) })
  t.match(streamed.body, /"done":true/)
  t.equal(await post(legacy, '/api/chat', { message: '四つ目は旧アプリに戻って' }), 200, 'rolled back to legacy')
  const expected = ['[雑談開始]', '一つ目は旧アプリで', '二つ目は新サービスで', '三つ目はストリームで', '四つ目は旧アプリに戻って']
  t.same((await history(legacy)).map((e) => e.human), expected)
  t.same((await history(next)).map((e) => e.human), expected)
  t.equal(await post(next, '/api/chat_feedback', { partner_type: 'boss' }), 200)

  t.equal(await post(next, '/api/scenario_chat', { scenario_id: 'scenario1', message: '' }), 200)
  t.equal(await post(legacy, '/api/scenario_chat', { scenario_id: 'scenario1', message: 'よろしくお願いします' }), 200)
  const scenario = await next.inject({ method: 'POST', url: '/api/conversation_history', headers, payload: '{"type":"scenario","scenario_id":"scenario1"}' })
  t.same(scenario.json().history.map((e: { human: string }) => e.human), ['[シナリオ開始]', 'よろしくお願いします'])
  const sid = cookie.slice('session='.length).split('.')[0]
  t.equal(((await store.load(sid))?.chat_history as unknown[]).length, 5)
}

t.test('filesystem store (cachelib files)', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ns-continuity-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const legacy = await buildLegacyStandIn({ sessionMode: 'filesystem', sessionDir: dir })
  t.teardown(async () => await legacy.close())
  const next = await buildNewServices({ session: { mode: 'filesystem', dir }, env: {}, llm: { mode: 'offline' } })
  t.teardown(async () => await next.close())
  const { createFileSystemSessionStore } = await import('../../../legacy-adapter/session/filesystem-store.js')
  const reader = createFileSystemSessionStore({ dir })
  t.teardown(async () => await reader.close())
  await conversation(t, legacy, next, reader)
})

t.test('Redis store (signed cookies, pickled sessions)', async (t) => {
  if (!await requireRedis(t)) return
  const store = createRedisSessionStore({ url: REDIS_URL, keyPrefix: uniquePrefix('ns-continuity') })
  const sids: string[] = []
  const tracked: SessionStore = { ...store, save: async (sid, data) => { sids.push(sid); await store.save(sid, data) } }
  t.teardown(async () => {
    for (const sid of new Set(sids)) await store.delete(sid)
    await store.close()
  })
  const legacy = await buildLegacyStandIn({ sessionMode: 'redis', sessionStore: tracked, secretKey: SECRET })
  t.teardown(async () => await legacy.close())
  const next = await buildNewServices({ session: { mode: 'redis', secretKey: SECRET }, sessionStore: tracked, env: {}, llm: { mode: 'offline' } })
  t.teardown(async () => await next.close())
  await conversation(t, legacy, next, store)
})
