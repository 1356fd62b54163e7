/**
 * The new services on a stateful shadow: the session comes from the snapshot, the resulting
 * session goes to `<key>:result` with the TTL the gateway asked for, and the real session is never
 * read or written. A snapshot that cannot be loaded is refused with a 503 the gateway recognises.
 */
import t, { type Test } from 'tap'
import { decodeSnapshot, encodeSnapshot, resultKey } from '@strangler-gateway/flask-session'
import { createMemorySnapshotStore } from '../../../gateway/data-plane/shadow/memory-snapshot-store.js'
import { SNAPSHOT_HEADER, SNAPSHOT_STATUS_HEADER, SNAPSHOT_TTL_HEADER } from '../../../new-services/session/shadow-snapshot.js'
import type { SessionData, SessionStore } from '../../../legacy-adapter/session/session-types.js'
import { buildTestApp, newClient, type TestClient } from '../helpers/build-test-app.js'

interface Started {
  snapshots: ReturnType<typeof createMemorySnapshotStore>
  puts: number[]
  real: SessionStore
  client: TestClient
  before: SessionData | null
}

const KEY = 'req-7.0123456789abcdef01234567'

async function started (t: Test, withSnapshots = true): Promise<Started> {
  const snapshots = createMemorySnapshotStore()
  const puts: number[] = []
  const store = { get: snapshots.get, put: async (key: string, value: Buffer, ttlMs: number) => { puts.push(ttlMs); await snapshots.put(key, value, ttlMs) } }
  const { app, store: real } = await buildTestApp(t, withSnapshots ? { shadowSnapshots: { store } } : {})
  const client = await newClient(app)
  t.equal((await client.post('/api/start_chat', { partner_type: 'boss' })).statusCode, 200)
  const before = await real.load(client.sid)
  return { snapshots, puts, real, client, before }
}

const shadowHeaders = (ttl = '5000'): Record<string, string> => ({ 'x-shadow-request': '1', [SNAPSHOT_HEADER]: KEY, [SNAPSHOT_TTL_HEADER]: ttl })

t.test('runs on the snapshot and leaves the result in the snapshot store, never in the real session', async (t) => {
  const { snapshots, puts, real, client, before } = await started(t)
  // The snapshot is the session before legacy's turn; the real one has moved on meanwhile.
  await snapshots.put(KEY, encodeSnapshot(before), 30_000)
  await real.update(client.sid, (s) => ({ ...s, chat_history: [...(s.chat_history as unknown[]), { human: 'legacy turn', ai: 'x', timestamp: 't' }] }))
  const realBefore = await real.load(client.sid)

  const response = await client.post('/api/chat', { message: 'shadow turn' }, shadowHeaders())
  t.equal(response.statusCode, 200)
  const result = decodeSnapshot(await snapshots.get(resultKey(KEY)) as Buffer)
  t.same((result?.chat_history as Array<{ human: string }>).map((e) => e.human), ['[雑談開始]', 'shadow turn'], 'history continued from the snapshot')
  t.same(puts, [5000], 'written once, with the TTL the gateway asked for')
  t.same(await real.load(client.sid), realBefore, 'the real session is untouched')
})

t.test('the streaming route writes its result when the stream ends', async (t) => {
  const { snapshots, client, before } = await started(t)
  await snapshots.put(KEY, encodeSnapshot(before), 30_000)
  const response = await client.post('/api/v2/chat', { message: 'streamed shadow' }, shadowHeaders())
  t.match(response.body, /"done":true/)
  const result = decodeSnapshot(await snapshots.get(resultKey(KEY)) as Buffer)
  t.equal((result?.chat_history as Array<{ human: string }>).at(-1)?.human, 'streamed shadow')
})

t.test('a snapshot that is gone, a malformed key, or no snapshot store: 503 with the reason, nothing written', async (t) => {
  const { snapshots, client } = await started(t)
  const missing = await client.post('/api/chat', { message: 'x' }, shadowHeaders())
  t.equal(missing.statusCode, 503)
  t.equal(missing.headers[SNAPSHOT_STATUS_HEADER], 'missing')
  const malformed = await client.post('/api/chat', { message: 'x' }, { ...shadowHeaders(), [SNAPSHOT_HEADER]: `${KEY}:result` })
  t.equal(malformed.headers[SNAPSHOT_STATUS_HEADER], 'unsupported')
  t.equal(snapshots.size, 0)

  const without = await started(t, false)
  const refused = await without.client.post('/api/chat', { message: 'x' }, shadowHeaders())
  t.equal(refused.statusCode, 503)
  t.equal(refused.headers[SNAPSHOT_STATUS_HEADER], 'unsupported')
})
