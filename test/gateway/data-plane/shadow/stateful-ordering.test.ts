/**
 * The ordering guarantee of stateful shadows: a shadow is compared only when its request was its
 * session's only request in flight through the gateway from the snapshot read to the read of
 * legacy's resulting session. Overlaps are skipped and counted as snapshot_inconsistent, and the
 * users are answered as usual. Legacy here holds each request until the test lets it go.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { resultKey, SNAPSHOT_HEADER } from '@strangler-gateway/flask-session'
import { createMemorySnapshotStore } from '../../../../gateway/data-plane/shadow/memory-snapshot-store.js'
import { createMemorySessionStore } from '../../../../new-services/session/memory-session-store.js'
import { startGateway } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

interface Held { url: string, release: () => void }

async function setUp (t: Test): Promise<{ url: string, app: Awaited<ReturnType<typeof startGateway>>['app'], arrived: () => Promise<Held> }> {
  const sessions = createMemorySessionStore()
  for (const sid of ['alice', 'bob']) await sessions.save(sid, { chat_history: [] })
  const waiting: Held[] = []
  let notify: (() => void) | undefined
  const legacy = await startServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    waiting.push({ url: req.url ?? '', release: () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}') })
    notify?.()
  })
  t.teardown(legacy.close)
  const snapshots = createMemorySnapshotStore()
  // New copies the snapshot to its result: the two sessions agree whenever they are compared.
  const candidate = await startServer((req, res) => {
    req.resume()
    const key = String(req.headers[SNAPSHOT_HEADER])
    snapshots.get(key).then(async (before) => {
      if (before !== null) await snapshots.put(resultKey(key), before, 30_000)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    }, () => res.writeHead(500).end())
  })
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    shadow: { snapshotReadTimeoutMs: 5_000 },
    features: { chat: { shadow: { sample: 100, mode: 'stateful' } } },
    routes: [{ path: '/api/chat', methods: ['POST'], feature: 'chat' }]
  }, { snapshotStore: snapshots, legacySessionStore: sessions })
  t.teardown(() => app.close())
  const arrived = async (): Promise<Held> => {
    while (waiting.length === 0) await new Promise<void>((resolve) => { notify = resolve })
    return waiting.shift() as Held
  }
  return { url, app, arrived }
}

function send (url: string, sid: string, method = 'POST'): Promise<number> {
  return request(url, { method, headers: { cookie: `session=${sid}` }, body: method === 'POST' ? '{}' : undefined })
    .then(async (r) => { await r.body.text(); return r.statusCode })
}

async function outcome (app: Awaited<ReturnType<typeof startGateway>>['app']): Promise<{ equal: number, dropped: number }> {
  await shadowsSettled(app)
  const { equal, dropped } = (await app.gateway.diffStore.summary()).features.chat
  return { equal, dropped }
}

t.test('two overlapping requests of one session: neither is compared, both are counted, both users answered', async (t) => {
  const { url, app, arrived } = await setUp(t)
  const first = send(`${url}/api/chat`, 'alice')
  const held1 = await arrived()
  const second = send(`${url}/api/chat`, 'alice')
  const held2 = await arrived()
  held1.release()
  held2.release()
  t.same(await Promise.all([first, second]), [200, 200])
  t.same(await outcome(app), { equal: 0, dropped: 2 })
  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.match(metrics, /app_shadow_requests_dropped_total\{feature="chat",reason="snapshot_inconsistent"\} 2/)

  const alone = send(`${url}/api/chat`, 'alice')
  ;(await arrived()).release()
  t.equal(await alone, 200)
  t.same(await outcome(app), { equal: 1, dropped: 2 }, 'once alone again, the session is compared')
})

t.test('an unrouted request of the same session overlapping: the shadow is skipped', async (t) => {
  const { url, app, arrived } = await setUp(t)
  const chat = send(`${url}/api/chat`, 'alice')
  const heldChat = await arrived()
  const other = send(`${url}/api/unrouted`, 'alice', 'GET')
  const heldOther = await arrived()
  heldOther.release()
  t.equal(await other, 200)
  heldChat.release()
  t.equal(await chat, 200)
  t.same(await outcome(app), { equal: 0, dropped: 1 })
})

t.test('overlapping requests of different sessions are each compared', async (t) => {
  const { url, app, arrived } = await setUp(t)
  const a = send(`${url}/api/chat`, 'alice')
  const heldA = await arrived()
  const b = send(`${url}/api/chat`, 'bob')
  const heldB = await arrived()
  heldB.release()
  heldA.release()
  t.same(await Promise.all([a, b]), [200, 200])
  t.same(await outcome(app), { equal: 2, dropped: 0 })
  t.equal(app.gateway.shadow.stateful?.guard.sessions, 0, 'the guard forgets sessions with nothing in flight')
})
