/**
 * Stateful shadowing of /api/start_chat and /api/chat through a conversation of four turns, the
 * legacy stand-in serving and the new services shadowing: the real session ends exactly as
 * legacy alone leaves it, the new services never write it, and every turn is compared, session
 * included: all four are equal, start_chat's stored persona prompt too (both write legacy's).
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { createMemorySnapshotStore } from '../../../../gateway/data-plane/shadow/memory-snapshot-store.js'
import { cachelibFileName } from '../../../../legacy-adapter/session/filesystem-store.js'
import { shadowsSettled } from '../../../helpers/shadow.js'
import { CONVERSATION, post, seedSession, startStack, type Stack } from './stateful-stack.js'

const SID = 'c0ffee00-0000-4000-8000-000000000001'

async function converse (stack: Stack): Promise<Array<{ status: number, json: unknown }>> {
  const answers = []
  for (const [url, body] of CONVERSATION) {
    answers.push(await post(`${stack.url}${url}`, SID, body))
    await shadowsSettled(stack.gateway)
  }
  return answers
}

/**
 * The session file without what differs between any two runs: the 4-byte expiry (the clock's
 * second) and the naive timestamps (the clock's microseconds). Masking keeps lengths, so the
 * pickle around them must match byte for byte.
 */
async function sessionBytes (dir: string): Promise<string> {
  const raw = await readFile(path.join(dir, cachelibFileName(`session:${SID}`)))
  return raw.subarray(4).toString('latin1').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?/g, (m) => 'T'.repeat(m.length))
}

t.test('a shadowed conversation leaves the real session exactly as legacy alone does', async (t) => {
  const snapshots = createMemorySnapshotStore()
  const shadowed = await startStack(t, { shadow: 'stateful', snapshots })
  const alone = await startStack(t, { shadow: false, snapshots: createMemorySnapshotStore() })
  await seedSession(shadowed.dir, SID)
  await seedSession(alone.dir, SID)

  const withShadow = await converse(shadowed)
  const withoutShadow = await converse(alone)
  t.same(withShadow, withoutShadow, 'the user gets the same answers')
  t.same(withShadow.map((a) => a.status), [200, 200, 200, 200])
  t.equal(await sessionBytes(shadowed.dir), await sessionBytes(alone.dir), 'the real session files match byte for byte')
  t.equal(shadowed.newServicesWrites(), 0, 'the new services never wrote the real session')

  const summary = (await shadowed.gateway.gateway.diffStore.summary()).features.chat
  t.match(summary, { equal: 4, different: 0, dropped: 0, errors: 0 }, 'all four turns compared, none skipped')
  const { records } = await shadowed.gateway.gateway.diffStore.list({ feature: 'chat', limit: 10 })
  // start_chat included: the persona prompt (and so the first reply) is legacy's own on both sides.
  t.same(records, [], 'every turn agrees, response and resulting session (settings and histories equal)')
  t.equal(snapshots.size, 0, 'every snapshot and result was deleted after its comparison')
})
