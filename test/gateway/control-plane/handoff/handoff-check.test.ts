/**
 * The session handoff check against the real stand-in and new services sharing one Flask-Session
 * directory: it passes as they are, fails when new drops a legacy key or rewrites a history
 * entry, leaves no clone behind and never changes the real sessions.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { request } from 'undici'
import type { SessionData, SessionStore } from '@strangler-gateway/flask-session'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { registerControlPlane } from '../../../../gateway/control-plane/register-control-plane.js'
import { runHandoffCheck, type HandoffResult } from '../../../../gateway/control-plane/handoff/handoff-check.js'
import { createFileSystemSessionStore } from '../../../../legacy-adapter/session/filesystem-store.js'
import { buildLegacyStandIn } from '../../../../legacy-adapter/stand-in/app.js'
import { buildNewServices } from '../../../../new-services/app.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { runCli } from '../../../helpers/run-cli.js'
import { CSRF_TOKEN, post, seedSession, standInModel } from '../../data-plane/shadow/stateful-stack.js'

type Tamper = (data: SessionData) => SessionData

const REAL_SIDS = ['real-session-one', 'real-session-two']

async function filesOf (dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const name of (await readdir(dir)).sort()) out.set(name, createHash('sha256').update(await readFile(path.join(dir, name))).digest('hex'))
  return out
}

async function stack (t: Test, tamper?: Tamper): Promise<{ dir: string, yaml: string, legacyUrl: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'handoff-check-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const legacy = await buildLegacyStandIn({ sessionMode: 'filesystem', sessionDir: dir })
  t.teardown(async () => await legacy.close())
  const real = createFileSystemSessionStore({ dir })
  t.teardown(async () => await real.close())
  const edit = tamper ?? ((d: SessionData) => d)
  // New's handler, wrapped at its session store: what it writes goes through `tamper` first.
  const store: SessionStore = {
    ...real,
    save: async (sid, data) => { await real.save(sid, edit(data)) },
    update: async (sid, change) => await real.update(sid, (current) => edit(change(current)))
  }
  const next = await buildNewServices({ env: {}, llm: standInModel(), session: { mode: 'filesystem', dir }, sessionStore: store })
  t.teardown(async () => await next.close())
  const legacyUrl = await legacy.listen({ host: '127.0.0.1', port: 0 })
  const yaml = routesYaml({
    legacy: legacyUrl,
    new: await next.listen({ host: '127.0.0.1', port: 0 }),
    session: { store: { type: 'filesystem', dir } },
    features: { chat: {}, watch: {} },
    routes: [{ path: '/api/chat', methods: ['POST'], feature: 'chat' }]
  })
  // Real sessions, made by legacy: a chat started, one turn, and a key only legacy's app set.
  for (const sid of REAL_SIDS) {
    await seedSession(dir, sid)
    await real.update(sid, (d) => ({ ...d, legacy_only: { since: 'before the migration' } }))
    t.equal((await post(`${legacyUrl}/api/start_chat`, sid, { partner_type: 'senior', situation: 'lunch', topic: 'food' })).status, 200)
    t.equal((await post(`${legacyUrl}/api/chat`, sid, { message: 'お昼は何にしますか' })).status, 200)
  }
  return { dir, yaml, legacyUrl }
}

async function check (yaml: string, feature = 'chat'): Promise<HandoffResult> {
  return await runHandoffCheck({ config: parseRoutesConfig(yaml), env: {}, feature, limit: 5 })
}

t.test('passes for the stand-in and new services as they are; no clone left, real sessions unchanged', async (t) => {
  const { dir, yaml } = await stack(t)
  const before = await filesOf(dir)
  const result = await check(yaml)
  t.equal(result.status, 'pass', result.reason)
  t.equal(result.ok, true)
  t.equal(result.sessions.length, 2)
  for (const session of result.sessions) {
    t.match(session.session, /^[0-9a-f]{12}$/)
    t.same(session.clones.map((c) => c.order), [['new', 'legacy'], ['legacy', 'new']])
    for (const clone of session.clones) {
      t.equal(clone.ok, true, clone.reasons.join('; '))
      t.same(clone.turns.map((turn) => turn.requests.map((r) => r.status)), [[200], [200]])
    }
  }
  t.same(result.cleanup, { clones: 4, deleted: 4, failed: 0 })
  t.same(await filesOf(dir), before, 'the same files, byte for byte')
  const text = JSON.stringify(result)
  for (const sid of REAL_SIDS) t.notOk(text.includes(sid), 'no session id in the result')
  t.notOk(text.includes('handoff-check-'), 'no clone id in the result')
  t.notOk(text.includes(CSRF_TOKEN), 'no token in the result')
})

t.test('fails when new drops a key legacy wrote', async (t) => {
  const { dir, yaml } = await stack(t, ({ legacy_only: _dropped, ...rest }) => rest)
  const before = await filesOf(dir)
  const result = await check(yaml)
  t.equal(result.status, 'fail')
  t.equal(result.ok, false)
  for (const session of result.sessions) {
    t.equal(session.ok, false)
    for (const clone of session.clones) {
      t.equal(clone.ok, false)
      t.match(clone.reasons.join('\n'), /new dropped legacy_only/)
    }
  }
  t.same(result.cleanup, { clones: 4, deleted: 4, failed: 0 })
  t.same(await filesOf(dir), before)
})

t.test('fails when new rewrites a history entry instead of appending', async (t) => {
  const rewrite: Tamper = (data) => Array.isArray(data.chat_history) && data.chat_history.length > 0
    ? { ...data, chat_history: [{ ...(data.chat_history[0] as object), ai: 'rewritten by new' }, ...data.chat_history.slice(1)] }
    : data
  const { dir, yaml } = await stack(t, rewrite)
  const before = await filesOf(dir)
  const result = await check(yaml)
  t.equal(result.status, 'fail')
  for (const session of result.sessions) {
    for (const clone of session.clones) t.match(clone.reasons.join('\n'), /new rewrote chat_history\[0\] instead of appending/)
  }
  t.same(result.cleanup, { clones: 4, deleted: 4, failed: 0 })
  t.same(await filesOf(dir), before)
})

t.test('a feature without sessions to sample, or without a case, does not pass', async (t) => {
  const { yaml } = await stack(t)
  const watch = await check(yaml, 'watch')
  t.equal(watch.status, 'no_sessions')
  t.equal(watch.ok, false)
  t.match(watch.reason, /watch_settings/)
  const other = await runHandoffCheck({ config: parseRoutesConfig(yaml), env: {}, feature: 'nope' })
  t.equal(other.status, 'unsupported')
})

t.test('GET /admin/handoff/:feature and `handoff check` answer the result', async (t) => {
  const { dir, yaml } = await stack(t)
  const before = await filesOf(dir)
  const app = await buildGateway({ config: parseRoutesConfig(yaml), env: {} })
  await registerControlPlane(app, { adminToken: undefined })
  t.teardown(async () => await app.close())
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const response = await request(`${url}/admin/handoff/chat?limit=1`)
  t.equal(response.statusCode, 200)
  const body = await response.body.json() as HandoffResult
  t.equal(body.status, 'pass', body.reason)
  t.equal(body.sessions.length, 1)
  t.equal((await request(`${url}/admin/handoff/nope`)).statusCode, 404)
  t.equal((await request(`${url}/admin/handoff/chat?limit=0`)).statusCode, 400)
  const cli = await runCli(['handoff', 'check', 'chat', '--url', url])
  t.equal(cli.code, 0, cli.err)
  t.match(cli.out, /chat: PASS/)
  t.match(cli.out, /clone [0-9a-f]{12} new then legacy: pass/)
  const none = await runCli(['handoff', 'check', 'watch', '--url', url])
  t.equal(none.code, 1)
  t.match(none.out, /NO_SESSIONS/)
  t.equal((await runCli(['handoff', 'check'])).code, 2)
  t.same(await filesOf(dir), before)
})
