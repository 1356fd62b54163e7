/**
 * The default session mode: Flask-Session cachelib files. A cookie-less request creates a file
 * md5("session:" + sid); a known or plausible cookie keeps its id; a malformed one is replaced.
 */
import { createHash } from 'node:crypto'
import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { createFileSystemSessionStore } from '../../../legacy-adapter/session/filesystem-store.js'

const sidOf = (setCookie: unknown): string => /^session=([^;]+);/.exec(String(setCookie))?.[1] ?? ''

t.test('sessions live in cachelib files and survive a restart of the app', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'stand-in-fs-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const app = await buildLegacyStandIn({ sessionDir: dir })
  t.teardown(() => app.close())

  const first = await app.inject({ url: '/api/csrf-token' })
  const sid = sidOf(first.headers['set-cookie'])
  t.match(sid, /^[0-9a-f-]{36}$/)
  await access(path.join(dir, createHash('md5').update(`session:${sid}`).digest('hex')))
  const reader = createFileSystemSessionStore({ dir })
  t.match(await reader.load(sid), { _permanent: true, csrf_token: JSON.parse(first.body).csrf_token })

  const restarted = await buildLegacyStandIn({ sessionDir: dir })
  t.teardown(() => restarted.close())
  const again = await restarted.inject({ url: '/api/csrf-token', headers: { cookie: `session=${sid}` } })
  t.equal(JSON.parse(again.body).csrf_token, JSON.parse(first.body).csrf_token, 'another process reads the same session')
})

t.test('an unknown but well-formed id is kept; a malformed cookie starts a new session', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'stand-in-fs-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const app = await buildLegacyStandIn({ sessionDir: dir })
  t.teardown(() => app.close())

  const kept = await app.inject({ url: '/health', headers: { cookie: 'session=11111111-2222-4333-8444-555555555555' } })
  t.equal(sidOf(kept.headers['set-cookie']), '11111111-2222-4333-8444-555555555555', 'Flask-Session reuses the id of a vanished session')
  const replaced = await app.inject({ url: '/health', headers: { cookie: 'session=../../etc/passwd' } })
  t.match(sidOf(replaced.headers['set-cookie']), /^[0-9a-f]{8}-[0-9a-f]{4}-4/, 'a malformed id never reaches the store')
})
