/**
 * The live stage on a stateful route: new serves the user; legacy (the stand-in, writing real
 * Flask-Session entries) gets the copy on a clone of the user's session under a throwaway id.
 * The user's own entry is the same bytes afterwards, the clone is gone, and what legacy wrote
 * into the clone is compared with new's session, new as the primary side. Filesystem store with
 * bare cookies, and Redis with signed cookies.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { request } from 'undici'
import type { FastifyInstance } from 'fastify'
import { cachelibFileName, createFileSystemSessionStore, createRedisSessionStore, createSessionCookieCodec, type SessionCookieCodec, type SessionStore } from '@strangler-gateway/flask-session'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildLegacyStandIn } from '../../../../legacy-adapter/stand-in/app.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'
import { REDIS_URL, requireRedis } from '../../../helpers/requirements.js'
import { shadowsSettled } from '../../../helpers/shadow.js'
import { CSRF_TOKEN } from './stateful-stack.js'

const SEED = { _permanent: true, csrf_token: CSRF_TOKEN, csrf_token_time: 1_764_115_200.5 }
const START_CHAT = { partner_type: 'senior', situation: 'lunch', topic: 'food' }

/** New, as far as this test goes: it answers and leaves the session alone. */
async function startNew (t: Test): Promise<string> {
  const server = await startServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ response: 'hello' }))
  })
  t.teardown(server.close)
  return server.url
}

interface LiveStack {
  gateway: FastifyInstance
  url: string
}

async function startLiveStack (t: Test, legacyUrl: string, session: Record<string, unknown>, env: Record<string, string>): Promise<LiveStack> {
  const config = parseRoutesConfig(routesYaml({
    legacy: legacyUrl,
    new: await startNew(t),
    session,
    shadow: { snapshotReadTimeoutMs: 5_000 },
    features: { chat: { shadow: { sample: 100, mode: 'stateful' }, compare: { mode: 'exact' } } },
    routes: [{ path: '/api/start_chat', methods: ['POST'], feature: 'chat' }]
  }))
  const gateway = await buildGateway({ config, env })
  t.teardown(async () => await gateway.close())
  await gateway.gateway.overrides.set('chat', { enabled: true, canary: 100, stage: 'live' })
  return { gateway, url: await gateway.listen({ host: '127.0.0.1', port: 0 }) }
}

async function startChat (stack: LiveStack, cookie: string): Promise<string> {
  const response = await request(`${stack.url}/api/start_chat`, {
    method: 'POST',
    headers: { cookie: `theme=dark; session=${cookie}`, 'x-csrf-token': CSRF_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(START_CHAT)
  })
  await response.body.dump()
  await shadowsSettled(stack.gateway, 50)
  return String(response.headers['x-served-by'])
}

async function assertCompared (t: Test, stack: LiveStack): Promise<void> {
  t.match(stack.gateway.gateway.shadow.counts().chat, { sampled: 1, compared: 1, dropped: 0, errored: 0 }, 'the copy was compared')
  const { records } = await stack.gateway.gateway.diffStore.list({ feature: 'chat' })
  t.equal(records.length, 1)
  t.equal(records[0].primary, 'new', 'new served: its answer and session are the reference')
  const sessionPaths = records[0].differences.filter((d) => d.kind === 'session').map((d) => d.path)
  t.ok(sessionPaths.some((p) => p.startsWith('session.chat_history')), `legacy's write to the clone was read back: ${sessionPaths.join(', ')}`)
}

t.test('filesystem store: the user\'s session file is byte-identical and the clone file is gone', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'live-clone-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const legacy = await buildLegacyStandIn({ sessionMode: 'filesystem', sessionDir: dir })
  t.teardown(async () => await legacy.close())
  const sid = `live-user-${randomBytes(6).toString('hex')}`
  const seed = createFileSystemSessionStore({ dir })
  await seed.save(sid, SEED)
  await seed.close()
  const file = path.join(dir, cachelibFileName(`session:${sid}`))
  const before = await readFile(file)
  const filesBefore = await readdir(dir)

  const stack = await startLiveStack(t, await legacy.listen({ host: '127.0.0.1', port: 0 }), { store: { type: 'filesystem', dir } }, {})
  t.equal(await startChat(stack, sid), 'new')

  t.same(await readFile(file), before, 'the user\'s session file, byte for byte')
  t.same((await readdir(dir)).sort(), filesBefore.sort(), 'no file left behind: the clone was deleted')
  await assertCompared(t, stack)
})

t.test('Redis store, signed cookies: the user\'s entry is byte-identical and the clone key is gone', async (t) => {
  if (!await requireRedis(t)) return
  const secret = 'live-clone-test-secret-0123456789abcdef'
  const keyPrefix = `test-live-clone-${process.pid}-${randomBytes(4).toString('hex')}:`
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(`${keyPrefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  const store: SessionStore = createRedisSessionStore({ url: REDIS_URL, keyPrefix })
  t.teardown(async () => await store.close())
  const codec: SessionCookieCodec = createSessionCookieCodec({ signed: true, secret })
  const legacy = await buildLegacyStandIn({ sessionMode: 'redis', sessionStore: store, cookieCodec: codec, secretKey: secret })
  t.teardown(async () => await legacy.close())
  const sid = `live-user-${randomBytes(6).toString('hex')}`
  const { _permanent: _, ...seed } = SEED
  await store.save(sid, seed)
  const before = await redis.getBuffer(`${keyPrefix}${sid}`)
  const ttlBefore = await redis.pttl(`${keyPrefix}${sid}`)
  t.ok(before !== null && ttlBefore > 0, 'the user\'s entry exists, with a TTL')

  const stack = await startLiveStack(t, await legacy.listen({ host: '127.0.0.1', port: 0 }), {
    signed: true,
    store: { type: 'redis', keyPrefix }
  }, { FLASK_SECRET_KEY: secret, SESSION_REDIS_URL: REDIS_URL })
  t.equal(await startChat(stack, codec.serialize(sid)), 'new')

  t.same(await redis.getBuffer(`${keyPrefix}${sid}`), before, 'the user\'s Redis entry, byte for byte')
  t.ok(await redis.pttl(`${keyPrefix}${sid}`) <= ttlBefore, 'and its TTL was not renewed')
  t.same(await redis.keys(`${keyPrefix}*`), [`${keyPrefix}${sid}`], 'no key left behind: the clone was deleted')
  await assertCompared(t, stack)
})
