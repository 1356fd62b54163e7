/**
 * The live stage's session clone (live-session-clone.ts, session-clone.ts) on a real filesystem
 * store: the clone's cookie replaces the user's, the pair read back is legacy's clone and the
 * user's session, the clone is deleted; and every way it cannot be compared is a counted reason,
 * never a throw.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import t, { type Test } from 'tap'
import { createFileSystemSessionStore, createSessionCookieCodec, type SessionStore } from '@strangler-gateway/flask-session'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { LIVE_CLONE_ID_PREFIX, prepareLiveClone, type LiveCloneContext } from '../../../../gateway/data-plane/shadow/live-session-clone.js'
import { withCloneCookie } from '../../../../gateway/data-plane/shadow/session-clone.js'
import { createStatefulGuard } from '../../../../gateway/data-plane/shadow/stateful-guard.js'
import { createStatefulShadows } from '../../../../gateway/data-plane/shadow/stateful-shadow.js'
import type { StatefulExchange } from '../../../../gateway/data-plane/shadow/stateful-exchange.js'
import type { CapturedResponse } from '../../../../gateway/analysis/diff/diff-types.js'
import { routesYaml } from '../../../helpers/gateway.js'

const log = pino({ level: 'silent' })
const config = parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:1', new: 'http://127.0.0.1:2' }))
const copyAnswer: CapturedResponse = { status: 200, headers: {}, body: Buffer.alloc(0), truncated: false, latencyMs: 1 }

async function storeIn (t: Test): Promise<{ dir: string, store: SessionStore }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'live-clone-unit-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const store = createFileSystemSessionStore({ dir })
  t.teardown(async () => await store.close())
  return { dir, store }
}

function contextFor (store: SessionStore, clones = store): LiveCloneContext {
  return { guard: createStatefulGuard(), log, sessions: store, clones, codec: createSessionCookieCodec({ signed: false }) }
}

t.test('the copy\'s Cookie header: the clone\'s session cookie first, the user\'s gone, the others kept', async (t) => {
  t.equal(withCloneCookie('theme=dark; session=user; lang=ja', 'session', 'session=clone'), 'session=clone; theme=dark; lang=ja')
  t.equal(withCloneCookie(['session=a', 'x=1; session=b'], 'session', 'session=clone'), 'session=clone; x=1', 'every repeat of the name goes')
  t.equal(withCloneCookie(undefined, 'session', 'session=clone'), 'session=clone')
  t.equal(withCloneCookie('sessionx=1', 'session', 'session=clone'), 'session=clone; sessionx=1', 'only the exact name')
})

t.test('a clone: legacy gets its cookie, the pair is what legacy and new left, the clone is deleted', async (t) => {
  const { store } = await storeIn(t)
  await store.save('user-1', { n: 1 })
  const ctx = contextFor(store)
  const done = ctx.guard.enter('user-1')
  const exchange = await prepareLiveClone(ctx, { sessionId: 'user-1', requestId: 'r1', cookie: 'session=user-1; theme=dark' }, config) as StatefulExchange
  t.type(exchange, 'object')
  t.ok(exchange.key.startsWith(LIVE_CLONE_ID_PREFIX))
  t.equal(exchange.headers.cookie, `session=${exchange.key}; theme=dark`)
  t.equal(await exchange.stored, true)
  t.same(await store.load(exchange.key), { n: 1 }, 'the clone holds the user\'s session')
  // New answers and changes the user's session; legacy's copy changes the clone.
  await store.save('user-1', { n: 1, by: 'new' })
  exchange.primaryAnswered()
  await store.save(exchange.key, { n: 1, by: 'legacy' })
  done()
  t.same(await exchange.sessions(copyAnswer), { legacy: { n: 1, by: 'legacy' }, candidate: { n: 1, by: 'new' } })
  await exchange.cleanup()
  t.equal(await store.load(exchange.key), null, 'the clone is gone')
  t.equal(ctx.guard.sessions, 0, 'the stamp is released')
})

t.test('no session, an overlapping request, a missing clone and an overlap before the read are reasons, not throws', async (t) => {
  const { store } = await storeIn(t)
  const ctx = contextFor(store)
  t.equal(await prepareLiveClone(ctx, { sessionId: null, requestId: 'r', cookie: undefined }, config), 'no_session')
  t.equal(await prepareLiveClone(ctx, { sessionId: 'nobody', requestId: 'r', cookie: 'session=nobody' }, config), 'no_session', 'nothing in the store to clone')
  t.equal(ctx.guard.sessions, 0)

  await store.save('busy', { n: 1 })
  const first = ctx.guard.enter('busy')
  const second = ctx.guard.enter('busy')
  t.equal(await prepareLiveClone(ctx, { sessionId: 'busy', requestId: 'r', cookie: 'session=busy' }, config), 'snapshot_inconsistent')
  second()

  const gone = await prepareLiveClone(ctx, { sessionId: 'busy', requestId: 'r2', cookie: 'session=busy' }, config) as StatefulExchange
  await gone.stored
  await store.delete(gone.key)
  t.equal(await gone.sessions(copyAnswer), 'snapshot_result_missing', 'legacy left no clone')
  await gone.cleanup()

  const overlapped = await prepareLiveClone(ctx, { sessionId: 'busy', requestId: 'r3', cookie: 'session=busy' }, config) as StatefulExchange
  const late = ctx.guard.enter('busy')
  t.equal(await overlapped.sessions(copyAnswer), 'snapshot_inconsistent', 'another request of the session came in meanwhile')
  await overlapped.cleanup()
  late()
  first()
  t.equal(ctx.guard.sessions, 0)
})

t.test('a store that fails: the read is snapshot_failed, a clone not written resolves stored false', async (t) => {
  const { dir, store } = await storeIn(t)
  await store.save('user-1', { n: 1 })
  // A directory that is a file: every read and write there fails, for real.
  const file = path.join(dir, 'not-a-dir')
  await writeFile(file, '')
  const broken = createFileSystemSessionStore({ dir: path.join(file, 'sessions') })
  t.teardown(async () => await broken.close())
  t.equal(await prepareLiveClone(contextFor(broken), { sessionId: 'user-1', requestId: 'r', cookie: 'session=user-1' }, config), 'snapshot_failed')

  const exchange = await prepareLiveClone(contextFor(store, broken), { sessionId: 'user-1', requestId: 'r', cookie: 'session=user-1' }, config) as StatefulExchange
  t.equal(await exchange.stored, false, 'the clone could not be written')
  t.equal(await exchange.sessions(copyAnswer), 'snapshot_failed', 'nor read back')
  await exchange.cleanup()
})

t.test('prepareLive never rejects: a signed session without its secret is snapshot_failed', async (t) => {
  const { store } = await storeIn(t)
  await store.save('user-1', { n: 1 })
  const signed = parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:1', new: 'http://127.0.0.1:2', session: { signed: true } }))
  const stateful = createStatefulShadows({ config: signed, env: {}, log, legacySessions: store })
  t.teardown(async () => await stateful.close())
  t.equal(await stateful.prepareLive({ sessionId: 'user-1', requestId: 'r', cookie: 'session=user-1' }, signed), 'snapshot_failed')
})
