/**
 * When a stateful shadow cannot have a consistent snapshot it is skipped and counted, never
 * compared, and the user's request is answered as usual: the legacy session store does not
 * answer, the request has no session, the new service cannot load snapshots. The route marks
 * itself `shadow: stateful` here; its feature stays stateless.
 */
import t, { type Test } from 'tap'
import { request } from 'undici'
import { createMemorySnapshotStore } from '../../../../gateway/data-plane/shadow/memory-snapshot-store.js'
import type { SessionStore } from '../../../../legacy-adapter/session/session-types.js'
import { buildNewServices, type NewServicesOptions } from '../../../../new-services/app.js'
import { createMemorySessionStore } from '../../../../new-services/session/memory-session-store.js'
import { startGateway } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

async function setUp (t: Test, legacySessions: SessionStore, newOptions: NewServicesOptions = {}): Promise<{ url: string, dropped: () => Promise<string> }> {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const snapshots = createMemorySnapshotStore()
  const next = await buildNewServices({ env: {}, llm: { mode: 'offline' }, ...newOptions })
  t.teardown(async () => await next.close())
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: await next.listen({ host: '127.0.0.1', port: 0 }),
    shadow: { snapshotReadTimeoutMs: 50 },
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat', methods: ['POST'], feature: 'chat', shadow: 'stateful' }]
  }, { snapshotStore: snapshots, legacySessionStore: legacySessions })
  t.teardown(() => app.close())
  return {
    url,
    dropped: async () => {
      await shadowsSettled(app)
      t.equal((await app.gateway.diffStore.summary()).features.chat.dropped, 1, 'counted as dropped in the diff summary')
      const metrics = await (await request(`${url}/metrics`)).body.text()
      return metrics.split('\n').filter((l) => l.startsWith('app_shadow_requests_dropped_total{')).join('\n')
    }
  }
}

async function chat (url: string, cookie?: string): Promise<{ status: number, upstream: string }> {
  const response = await request(`${url}/api/chat`, { method: 'POST', headers: cookie === undefined ? {} : { cookie }, body: '{"message":"hi"}' })
  return { status: response.statusCode, upstream: (await response.body.json() as { upstream: string }).upstream }
}

t.test('the legacy session store does not answer: the user is answered, the shadow skipped', async (t) => {
  const hanging: SessionStore = { ...createMemorySessionStore(), load: async () => await new Promise(() => {}) }
  const { url, dropped } = await setUp(t, hanging)
  t.same(await chat(url, 'session=alice'), { status: 200, upstream: 'legacy' })
  t.match(await dropped(), /reason="snapshot_failed"\} 1/)
})

t.test('no session cookie: nothing to snapshot', async (t) => {
  const { url, dropped } = await setUp(t, createMemorySessionStore())
  t.same(await chat(url), { status: 200, upstream: 'legacy' })
  t.match(await dropped(), /reason="no_session"\} 1/)
})

t.test('new services without a snapshot store refuse the shadow instead of using the real session', async (t) => {
  const realSessions = createMemorySessionStore()
  await realSessions.save('alice', { chat_history: [] })
  const { url, dropped } = await setUp(t, realSessions, { sessionStore: realSessions })
  t.same(await chat(url, 'session=alice'), { status: 200, upstream: 'legacy' })
  t.match(await dropped(), /reason="snapshot_failed"\} 1/)
  t.same(await realSessions.load('alice'), { chat_history: [] }, 'the real session is untouched')
})
