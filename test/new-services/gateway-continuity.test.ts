/**
 * Session continuity through the gateway: a user starts a chat on legacy, the canary moves them
 * to the new services, they continue, are rolled back to legacy and continue; the full history is
 * intact on every side. The legacy stand-in and the new services share one Flask-Session store:
 * the filesystem store (unsigned cookies) and the Redis store (signed cookies).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../gateway/core/config/load-config.js'
import { createMemoryOverrideStore, type OverrideStore } from '../../gateway/data-plane/overrides/override-store.js'
import { createRedisSessionStore } from '../../legacy-adapter/session/redis-store.js'
import type { SessionStore } from '../../legacy-adapter/session/session-types.js'
import { buildLegacyStandIn, type LegacyStandInOptions } from '../../legacy-adapter/stand-in/app.js'
import { buildNewServices, type NewServicesOptions } from '../../new-services/app.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../helpers/requirements.js'

const SECRET = 'gateway-continuity-secret-0123456789abcdef'
const ROUTES_FILE = new URL('../../routes.yaml', import.meta.url)

async function startAll (t: Test, legacyOptions: LegacyStandInOptions, newOptions: NewServicesOptions, signed: boolean): Promise<{ gateway: string, overrides: OverrideStore }> {
  const legacy = await buildLegacyStandIn(legacyOptions)
  t.teardown(async () => await legacy.close())
  const next = await buildNewServices({ env: {}, llm: { mode: 'offline' }, ...newOptions })
  t.teardown(async () => await next.close())
  const legacyUrl = await legacy.listen({ host: '127.0.0.1', port: 0 })
  const newUrl = await next.listen({ host: '127.0.0.1', port: 0 })
  const yaml = (await readFile(ROUTES_FILE, 'utf8'))
    .replaceAll('http://127.0.0.1:5001', legacyUrl)
    .replaceAll('http://127.0.0.1:5002', newUrl)
    .replace('signed: false', `signed: ${String(signed)}`)
  const overrides = createMemoryOverrideStore()
  const gateway = await buildGateway({ config: parseRoutesConfig(yaml), env: { FLASK_SECRET_KEY: SECRET }, overrides })
  t.teardown(async () => await gateway.close())
  return { gateway: await gateway.listen({ host: '127.0.0.1', port: 0 }), overrides }
}

async function journey (t: Test, gateway: string, overrides: OverrideStore, store: SessionStore): Promise<void> {
  let cookie = ''
  let token = ''
  async function send (method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number, servedBy: unknown, json: any }> {
    const res = await request(`${gateway}${url}`, {
      method,
      headers: { ...(cookie !== '' ? { cookie } : {}), ...(token !== '' ? { 'x-csrf-token': token } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const setCookie = [res.headers['set-cookie'] ?? []].flat().find((line) => line.startsWith('session='))
    if (setCookie !== undefined) cookie = setCookie.split(';')[0]
    const text = await res.body.text()
    return { status: res.statusCode, servedBy: res.headers['x-served-by'], json: text.startsWith('{') ? JSON.parse(text) : text }
  }
  const history = async (): Promise<string[]> => ((await send('POST', '/api/conversation_history', { type: 'chat' })).json.history as Array<{ human: string }>).map((e) => e.human)

  token = (await send('GET', '/api/csrf-token')).json.csrf_token
  t.match(await send('POST', '/api/start_chat', { partner_type: 'boss' }), { status: 200, servedBy: 'legacy' })
  t.match(await send('POST', '/api/chat', { message: '旧アプリで一言' }), { status: 200, servedBy: 'legacy' })

  await overrides.set('chat', { enabled: true, canary: 100 })
  t.match(await send('POST', '/api/chat', { message: '新サービスで続けます' }), { status: 200, servedBy: 'new' })
  t.same(await history(), ['[雑談開始]', '旧アプリで一言', '新サービスで続けます'], 'new sees the legacy history')

  await overrides.set('chat', { enabled: false })
  t.match(await send('POST', '/api/chat', { message: '旧アプリに戻りました' }), { status: 200, servedBy: 'legacy' })
  const expected = ['[雑談開始]', '旧アプリで一言', '新サービスで続けます', '旧アプリに戻りました']
  t.same(await history(), expected, 'legacy sees everything')

  await overrides.set('chat', { enabled: true, canary: 100 })
  t.same(await history(), expected, 'and so does new')
  const sid = decodeURIComponent(cookie.slice('session='.length)).split('.')[0]
  t.same(((await store.load(sid))?.chat_history as Array<{ human: string }>).map((e) => e.human), expected, 'and the store')
}

t.test('filesystem store', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ns-gateway-continuity-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const { gateway, overrides } = await startAll(t, { sessionMode: 'filesystem', sessionDir: dir }, { session: { mode: 'filesystem', dir } }, false)
  const { createFileSystemSessionStore } = await import('../../legacy-adapter/session/filesystem-store.js')
  const reader = createFileSystemSessionStore({ dir })
  t.teardown(async () => await reader.close())
  await journey(t, gateway, overrides, reader)
})

t.test('Redis store with signed cookies', async (t) => {
  if (!await requireRedis(t)) return
  const store = createRedisSessionStore({ url: REDIS_URL, keyPrefix: uniquePrefix('ns-gateway-continuity') })
  const sids = new Set<string>()
  const tracked: SessionStore = { ...store, save: async (sid, data) => { sids.add(sid); await store.save(sid, data) } }
  t.teardown(async () => {
    for (const sid of sids) await store.delete(sid)
    await store.close()
  })
  const { gateway, overrides } = await startAll(t,
    { sessionMode: 'redis', sessionStore: tracked, secretKey: SECRET },
    { session: { mode: 'redis', secretKey: SECRET }, sessionStore: tracked }, true)
  await journey(t, gateway, overrides, store)
})
