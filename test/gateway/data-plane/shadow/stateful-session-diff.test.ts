/**
 * A change in how the new service writes history shows up as a `session` difference with its
 * path. The test double stores every chat_history entry with an extra `model` field, as a new
 * service that changed its history format would. Without stateful mode the same double goes
 * unnoticed: the comparison of sessions is what finds it.
 */
import t, { type Test } from 'tap'
import { decodeSnapshot, encodeSnapshot, type SnapshotStore } from '@strangler-gateway/flask-session'
import { createMemorySnapshotStore } from '../../../../gateway/data-plane/shadow/memory-snapshot-store.js'
import { shadowsSettled } from '../../../helpers/shadow.js'
import { CONVERSATION, post, seedSession, startStack } from './stateful-stack.js'

const SID = 'c0ffee00-0000-4000-8000-000000000002'

/** The new services' session writes, changed: each history entry gains `model`. */
function historyWithModel (store: SnapshotStore): SnapshotStore {
  return {
    ...store,
    async put (key, value, ttlMs) {
      const session = decodeSnapshot(value)
      if (session !== null && Array.isArray(session.chat_history)) {
        session.chat_history = session.chat_history.map((entry: Record<string, unknown>) => ({ ...entry, model: 'new-format' }))
      }
      await store.put(key, encodeSnapshot(session), ttlMs)
    }
  }
}

async function sessionDifferences (t: Test, shadow: 'stateful' | 'stateless'): Promise<string[]> {
  const snapshots = createMemorySnapshotStore()
  const stack = await startStack(t, { shadow, snapshots, newSnapshots: historyWithModel(snapshots) })
  await seedSession(stack.dir, SID)
  for (const [url, body] of CONVERSATION.slice(0, 2)) {
    t.equal((await post(`${stack.url}${url}`, SID, body)).status, 200, `${url} answered`)
    await shadowsSettled(stack.gateway)
  }
  const { records } = await stack.gateway.gateway.diffStore.list({ feature: 'chat', kind: 'session', limit: 10 })
  return records.flatMap((r) => r.differences.filter((d) => d.kind === 'session').map((d) => `${r.route} ${d.path}`))
}

t.test('stateful: the changed history format is a session difference at its path', async (t) => {
  const found = await sessionDifferences(t, 'stateful')
  t.ok(found.includes('/api/chat session.chat_history.0.model'), 'the start entry, rewritten on the chat turn')
  t.ok(found.includes('/api/chat session.chat_history.1.model'), 'the new chat entry')
  t.ok(found.includes('/api/start_chat session.chat_history.0.model'), 'the start_chat entry')
})

t.test('stateless: the same double goes unnoticed', async (t) => {
  t.same(await sessionDifferences(t, 'stateless'), [], 'no session differences without session snapshots')
})
