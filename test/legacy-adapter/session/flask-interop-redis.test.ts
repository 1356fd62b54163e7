/**
 * Real Flask + Flask-Session 0.3.2 in the legacy app's Redis mode (SESSION_USE_SIGNER on,
 * non-permanent sessions, its own key prefix) against the TypeScript Redis store and signed
 * cookie codec: sessions equal both ways, cookies verified both ways, forgeries refused by both.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import t from 'tap'
import { createSessionCookieCodec } from '../../../legacy-adapter/session/cookie-codec.js'
import { createRedisSessionStore } from '../../../legacy-adapter/session/redis-store.js'
import { createPickleCodec } from '../../../legacy-adapter/session/value-codec.js'
import { REDIS_URL, requirePython, requireRedis, uniquePrefix } from '../../helpers/requirements.js'
import { callFlask, preferPythonWith, startFlaskFixture, typed } from './flask-fixture.js'

preferPythonWith('flask', 'flask_session', 'redis')

const WEEK_S = 7 * 24 * 60 * 60

t.test('Flask Redis sessions with signed cookies and the TypeScript store share sessions both ways', async (t) => {
  if (!await requireRedis(t)) return
  if (!requirePython(t, 'flask', 'flask_session', 'redis')) return
  const prefix = uniquePrefix('flask-session')
  const secret = randomBytes(24).toString('hex')
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(prefix + '*')
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  const flask = await startFlaskFixture({ FIXTURE_MODE: 'redis', FIXTURE_REDIS_URL: REDIS_URL, FIXTURE_KEY_PREFIX: prefix, FIXTURE_SECRET: secret })
  t.teardown(() => flask.stop())

  const cookies = createSessionCookieCodec({ signed: true, secret })
  const store = createRedisSessionStore({ redis, keyPrefix: prefix, ttlSeconds: WEEK_S, codec: createPickleCodec({ protocol: 4, preserveWholeFloats: true }) })

  // 1. Flask writes a chat session and signs the cookie; TypeScript verifies it and signs identically.
  const started = await callFlask(flask, 'POST', '/chat/start')
  t.ok(started.cookie?.startsWith(started.sid + '.'), 'the cookie is <sid>.<signature>')
  t.equal(cookies.parse(started.cookie), started.sid, 'TypeScript verifies the cookie Flask signed')
  t.equal(cookies.serialize(started.sid), started.cookie, 'TypeScript signs the same sid to the same cookie')

  // Forgeries: both sides refuse them (Flask answers with a fresh, empty session).
  const cookie = started.cookie as string
  // The first signature character carries 6 bits of the MAC (the last one partly only padding bits).
  const at = started.sid.length + 1
  const tampered = cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1)
  const otherSecret = createSessionCookieCodec({ signed: true, secret: 'not-the-secret' }).serialize(started.sid)
  for (const forged of [tampered, otherSecret, started.sid]) {
    t.equal(cookies.parse(forged), null, `TypeScript refuses ${forged === started.sid ? 'the unsigned sid' : 'a forged signature'}`)
    const answer = await callFlask(flask, 'GET', '/session', forged)
    t.not(answer.sid, started.sid, 'Flask refuses it too')
    t.equal(answer.new, true)
  }

  // 2. TypeScript reads the pickle Flask stored, equal to the last Python type; TTL is the lifetime.
  const loaded = await store.load(started.sid)
  t.strictSame(typed(loaded), started.session)
  const ttl = await redis.ttl(prefix + started.sid)
  t.ok(ttl > WEEK_S - 600 && ttl <= WEEK_S, 'Flask-Session set the lifetime as TTL')

  // 3. TypeScript changes it; 4. Flask reads it back equal and keeps working.
  const updated = await store.update(started.sid, (s) => ({
    ...s,
    chat_history: [...(s.chat_history as unknown[]), { human: 'Redis経由です', ai: '届きました', timestamp: '2026-11-25T22:05:00' }],
    watch_settings: { model_a: 'a', model_b: 'b', current_speaker: 'B', topic: '会議の進め方' }
  }))
  t.ok(await redis.ttl(prefix + started.sid) > WEEK_S - 600, 'TypeScript kept the TTL')
  const readBack = await callFlask(flask, 'GET', '/session', cookie)
  t.equal(readBack.sid, started.sid)
  t.strictSame(readBack.session, typed(updated), 'Flask sees what TypeScript wrote, equal')
  const turn = await callFlask(flask, 'POST', '/chat/turn', cookie)
  t.equal((turn.session.chat_history as unknown[]).length, 4)
  t.strictSame(typed(await store.load(started.sid)), turn.session, 'TypeScript reads Flask\'s next write equal')

  // 5. A session and a cookie made by TypeScript alone are accepted by Flask.
  const sid = randomUUID()
  const mine = { chat_history: [{ human: 'はじめまして', ai: 'こちらこそ', timestamp: '2026-11-25T22:06:00' }], user_id: sid }
  await store.save(sid, mine)
  const adopted = await callFlask(flask, 'GET', '/session', cookies.serialize(sid))
  t.equal(adopted.sid, sid, 'Flask accepted the TypeScript-signed cookie')
  t.strictSame(adopted.session, typed(mine))
})
