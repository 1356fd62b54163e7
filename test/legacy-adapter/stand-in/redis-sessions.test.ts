/**
 * The legacy app's Redis session mode: signed `<sid>.<sig>` cookie, browser-session cookie with
 * SameSite=Lax, no `_permanent`, so requests that write nothing create no session.
 */
import { Redis } from 'ioredis'
import t from 'tap'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { createSessionCookieCodec } from '../../../legacy-adapter/session/cookie-codec.js'
import { createRedisSessionStore } from '../../../legacy-adapter/session/redis-store.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../helpers/requirements.js'

t.test('redis mode', async (t) => {
  if (!await requireRedis(t)) return
  const redis = new Redis(REDIS_URL)
  const keyPrefix = uniquePrefix('stand-in-redis')
  t.teardown(async () => {
    const keys = await redis.keys(`${keyPrefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  const codec = createSessionCookieCodec({ signed: true, secret: 'stand-in-test-secret' })
  const store = createRedisSessionStore({ redis, keyPrefix, ttlSeconds: 600 })
  const app = await buildLegacyStandIn({ sessionMode: 'redis', sessionStore: store, cookieCodec: codec })
  t.teardown(() => app.close())

  const health = await app.inject({ url: '/health' })
  t.equal(health.headers['set-cookie'], undefined, 'nothing written, no session, no cookie')

  const token = await app.inject({ url: '/api/csrf-token' })
  const setCookie = String(token.headers['set-cookie'])
  t.match(setCookie, /^session=[0-9a-f-]{36}\.[A-Za-z0-9_-]{27}; HttpOnly; Path=\/; SameSite=Lax$/, 'signed, no Expires')
  const cookieValue = setCookie.split(';')[0].slice('session='.length)
  const sid = codec.parse(cookieValue) as string
  t.ok(sid, 'the cookie verifies with the Flask secret')
  const stored = await store.load(sid)
  t.equal(stored?.csrf_token, JSON.parse(token.body).csrf_token)
  t.notOk('_permanent' in (stored ?? {}), 'non-permanent sessions carry no _permanent')
  const ttl = await redis.ttl(`${keyPrefix}${sid}`)
  t.ok(ttl > 0 && ttl <= 600, `the key expires (ttl ${ttl})`)

  const forged = await app.inject({ url: '/api/csrf-token', headers: { cookie: `session=${sid}.${'A'.repeat(27)}` } })
  t.not(JSON.parse(forged.body).csrf_token, JSON.parse(token.body).csrf_token, 'a badly signed cookie is a new session')

  const health2 = await app.inject({ url: '/api/session/health' })
  t.equal(JSON.parse(health2.body).session_store, 'redis')
})
