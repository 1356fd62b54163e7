/**
 * The handoff check on the legacy app's Redis sessions with signed cookies (Flask-Session's
 * redis mode, SESSION_USE_SIGNER): sessions are listed with SCAN on the store's prefix, each
 * clone gets a cookie signed with the app's secret, and the check passes for the stand-in and
 * new services as they are, fails when new drops a key, leaves no clone key behind, and leaves
 * every real session's bytes as they were.
 */
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { request } from 'undici'
import type { SessionData, SessionStore } from '@strangler-gateway/flask-session'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { runHandoffCheck, type HandoffResult } from '../../../../gateway/control-plane/handoff/handoff-check.js'
import { createRedisSessionStore } from '../../../../legacy-adapter/session/redis-store.js'
import { buildLegacyStandIn } from '../../../../legacy-adapter/stand-in/app.js'
import { buildNewServices } from '../../../../new-services/app.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { standInModel } from '../../data-plane/shadow/stateful-stack.js'

const SECRET = 'handoff-redis-secret-0123456789abcdef'

/** Every key under the prefix, with its bytes. */
async function snapshot (redis: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const key of (await redis.keys(`${prefix}*`)).sort()) out.set(key, (await redis.getBuffer(key))?.toString('hex') ?? '')
  return out
}

/** A real session made by legacy through its own signed cookie: a chat started and one turn. */
async function legacyConversation (legacyUrl: string): Promise<string> {
  const first = await request(`${legacyUrl}/api/csrf-token`)
  const cookie = String(first.headers['set-cookie']).split(';')[0]
  const { csrf_token: token } = await first.body.json() as { csrf_token: string }
  const headers = { cookie, 'x-csrf-token': token, 'content-type': 'application/json' }
  for (const [path, body] of [['/api/start_chat', { partner_type: 'senior', situation: 'lunch', topic: 'food' }], ['/api/chat', { message: 'お昼は何にしますか' }]] as const) {
    const res = await request(`${legacyUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
    await res.body.dump()
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`)
  }
  return cookie
}

async function stack (t: Test, tamper?: (data: SessionData) => SessionData): Promise<{ check: () => Promise<HandoffResult>, redis: Redis, prefix: string, real: SessionStore }> {
  const prefix = uniquePrefix('handoff-redis')
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  const real = createRedisSessionStore({ url: REDIS_URL, keyPrefix: prefix })
  t.teardown(async () => await real.close())
  const edit = tamper ?? ((d: SessionData) => d)
  const newStore: SessionStore = {
    ...real,
    save: async (sid, data) => { await real.save(sid, edit(data)) },
    update: async (sid, change) => await real.update(sid, (current) => edit(change(current)))
  }
  const legacy = await buildLegacyStandIn({ sessionMode: 'redis', sessionStore: real, secretKey: SECRET })
  t.teardown(async () => await legacy.close())
  const next = await buildNewServices({ env: {}, llm: standInModel(), session: { mode: 'redis', secretKey: SECRET }, sessionStore: newStore })
  t.teardown(async () => await next.close())
  const legacyUrl = await legacy.listen({ host: '127.0.0.1', port: 0 })
  const config = parseRoutesConfig(routesYaml({
    legacy: legacyUrl,
    new: await next.listen({ host: '127.0.0.1', port: 0 }),
    session: { signed: true, store: { type: 'redis', keyPrefix: prefix } },
    features: { chat: {} },
    routes: [{ path: '/api/chat', methods: ['POST'], feature: 'chat' }]
  }))
  for (let i = 0; i < 2; i++) await legacyConversation(legacyUrl)
  const env = { SESSION_REDIS_URL: REDIS_URL, FLASK_SECRET_KEY: SECRET }
  return { check: async () => await runHandoffCheck({ config, env, feature: 'chat', limit: 5 }), redis, prefix, real }
}

t.test('Redis sessions, signed cookies: passes as they are; no clone left, real sessions byte-identical', async (t) => {
  if (!await requireRedis(t)) return
  const { check, redis, prefix, real } = await stack(t)
  // A live-stage copy of a user's session for legacy is not a real session: never sampled.
  const [sid] = (await redis.keys(`${prefix}*`)).map((key) => key.slice(prefix.length))
  const copy = await real.load(sid)
  if (copy === null) throw new Error('no session to copy')
  await real.save('live-shadow-0123456789abcdef', copy)
  const before = await snapshot(redis, prefix)
  t.equal(before.size, 3, 'two real sessions and a live-stage copy')
  const result = await check()
  t.match(result, { ok: true, status: 'pass', store: { type: 'redis', listing: 'scan' } }, result.reason)
  t.equal(result.sessions.length, 2, 'both real sessions sampled, the copy skipped')
  t.match(result.cleanup, { clones: 4, deleted: 4, failed: 0 })
  t.same(await snapshot(redis, prefix), before, 'no key added or left, none changed')
  t.notOk(JSON.stringify(result).includes(prefix), 'no raw session key in the result')
})

t.test('Redis sessions, signed cookies: fails when new drops a key legacy wrote', async (t) => {
  if (!await requireRedis(t)) return
  const { check, redis, prefix } = await stack(t, (data) => {
    const { chat_settings: _dropped, ...rest } = data as Record<string, unknown>
    return rest as SessionData
  })
  const before = await snapshot(redis, prefix)
  const result = await check()
  t.match(result, { ok: false, status: 'fail' })
  t.match(result.reason, /chat_settings/)
  t.same(await snapshot(redis, prefix), before, 'clones deleted, real sessions untouched, on failure too')
})

t.test('signed cookies without the secret: the check cannot run, and says why', async (t) => {
  if (!await requireRedis(t)) return
  const config = parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:1', new: 'http://127.0.0.1:2', session: { signed: true }, features: { chat: {} }, routes: [{ path: '/api/chat', feature: 'chat' }] }))
  const result = await runHandoffCheck({ config, env: {}, feature: 'chat' })
  t.match(result, { ok: false, status: 'unavailable', reason: /FLASK_SECRET_KEY/ })
})
