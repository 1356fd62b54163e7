/**
 * The stand-in's session files are what the legacy app would read: Python's own pickle loads a
 * session after a chat (nested history, Japanese text) equal to what the stand-in stored. The
 * full Flask/Flask-Session round trip lives in the session codec's interop tests.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'
import { createFileSystemSessionStore } from '../../../legacy-adapter/session/filesystem-store.js'
import { requirePython } from '../../helpers/requirements.js'

// cachelib: 4-byte expiry, then the pickle. JSON out, sorted, for a byte-stable comparison.
const READ_CACHELIB_FILE = 'import sys, pickle, json; d = open(sys.argv[1], "rb").read()[4:]; print(json.dumps(pickle.loads(d), sort_keys=True))'

t.test('python pickle reads a stand-in session equal to what it stored', async (t) => {
  if (!requirePython(t, 'pickle', 'json')) return
  const dir = await mkdtemp(path.join(tmpdir(), 'stand-in-python-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const app = await buildLegacyStandIn({ sessionDir: dir })
  t.teardown(() => app.close())

  const tokenResponse = await app.inject({ url: '/api/csrf-token' })
  const cookie = String(tokenResponse.headers['set-cookie']).split(';')[0]
  const headers = { cookie, 'x-csrf-token': JSON.parse(tokenResponse.body).csrf_token }
  await app.inject({ method: 'POST', url: '/api/start_chat', headers, payload: { partner_type: 'boss', situation: 'party', topic: 'food' } })
  await app.inject({ method: 'POST', url: '/api/chat', headers, payload: { message: 'おすすめのお店はありますか？😀' } })
  await app.inject({ method: 'POST', url: '/api/scenario_chat', headers, payload: { scenario_id: 'scenario1', message: '' } })

  const sid = cookie.slice('session='.length)
  const file = path.join(dir, createHash('md5').update(`session:${sid}`).digest('hex'))
  const fromPython = JSON.parse(execFileSync('python3', ['-c', READ_CACHELIB_FILE, file], { encoding: 'utf8' }))
  const fromStore = await createFileSystemSessionStore({ dir }).load(sid)
  t.same(fromPython, fromStore)
  t.equal(fromPython.chat_history[1].human, 'おすすめのお店はありますか？😀')
  t.equal(fromPython._permanent, true)
  t.equal(fromPython.scenario_history.scenario1[0].human, '[シナリオ開始]')
})
