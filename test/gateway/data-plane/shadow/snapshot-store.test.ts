import t from 'tap'
import { decodeSnapshot, encodeSnapshot, isSnapshotKey, resultKey } from '@strangler-gateway/flask-session'
import { createMemorySnapshotStore } from '../../../../gateway/data-plane/shadow/memory-snapshot-store.js'

t.test('memory snapshots expire after their TTL and are swept, so nothing accumulates', async (t) => {
  let now = 1_000
  const store = createMemorySnapshotStore(() => now)
  await store.put('req-1.aa', Buffer.from('before'), 500)
  await store.put(resultKey('req-1.aa'), Buffer.from('after'), 500)
  t.same(await store.get('req-1.aa'), Buffer.from('before'))
  now += 499
  t.equal(store.size, 2, 'alive until the TTL')
  now += 1
  t.equal(await store.get('req-1.aa'), null, 'gone at the TTL')
  await store.put('req-2.bb', Buffer.from('x'), 500)
  t.equal(store.size, 1, 'a write sweeps what expired')
  await store.delete(['req-2.bb'])
  t.equal(store.size, 0)
})

t.test('keys: a request id and a random part; result keys and odd characters are refused', async (t) => {
  t.ok(isSnapshotKey('a1b2c3d4-1f.0123456789abcdef01234567'))
  t.notOk(isSnapshotKey('a1b2.x:result'), 'a result key cannot be read as a snapshot')
  t.notOk(isSnapshotKey('../etc/passwd'))
  t.notOk(isSnapshotKey('key with spaces'))
  t.notOk(isSnapshotKey(''))
})

t.test('encoding: a session round-trips; no stored session is an empty value', async (t) => {
  const session = { chat_history: [{ human: 'こんにちは', ai: 'はい', timestamp: '2026-11-26T01:00:00.000001' }], _permanent: true }
  t.same(decodeSnapshot(encodeSnapshot(session)), session)
  t.equal(encodeSnapshot(null).length, 0)
  t.equal(decodeSnapshot(Buffer.alloc(0)), null)
})
