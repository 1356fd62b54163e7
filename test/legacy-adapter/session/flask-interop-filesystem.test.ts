/**
 * Real Flask + Flask-Session 0.3.2 in the legacy app's default mode (filesystem, unsigned cookie)
 * and the TypeScript store pointed at the same SESSION_FILE_DIR: each side reads what the other
 * wrote, equal down to Python types, and Flask keeps working after TypeScript wrote.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createSessionCookieCodec } from '../../../legacy-adapter/session/cookie-codec.js'
import { cachelibFileName, createFileSystemSessionStore } from '../../../legacy-adapter/session/filesystem-store.js'
import { PyFloat } from '../../../legacy-adapter/session/py-float.js'
import { createPickleCodec } from '../../../legacy-adapter/session/value-codec.js'
import { requirePython } from '../../helpers/requirements.js'
import { callFlask, preferPythonWith, startFlaskFixture, typed } from './flask-fixture.js'

preferPythonWith('flask', 'flask_session')

t.test('Flask filesystem sessions and the TypeScript cachelib store share sessions both ways', async (t) => {
  if (!requirePython(t, 'flask', 'flask_session')) return
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-flask-fs-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const flask = await startFlaskFixture({ FIXTURE_MODE: 'filesystem', FIXTURE_SESSION_DIR: dir })
  t.teardown(() => flask.stop())

  const cookies = createSessionCookieCodec({ signed: false })
  const store = createFileSystemSessionStore({ dir, codec: createPickleCodec({ protocol: 5, preserveWholeFloats: true }) })
  t.teardown(() => store.close())

  // 1. Flask writes a chat session; its cookie is the bare sid and the file is where cachelib puts it.
  const started = await callFlask(flask, 'POST', '/chat/start')
  t.equal(started.cookie, started.sid, 'unsigned cookie is the bare session id')
  t.equal(cookies.parse(started.cookie), started.sid, 'TypeScript accepts the cookie Flask issued')
  t.equal(store.fileFor(started.sid), path.join(dir, cachelibFileName('session:' + started.sid)))
  const file = await readFile(store.fileFor(started.sid))
  const expiry = file.readUInt32LE(0)
  const nowS = Date.now() / 1000
  t.ok(expiry > nowS + 30 * 86400 && expiry <= nowS + 31 * 86400 + 60, 'native-order expiry header about 31 days ahead')

  // 2. TypeScript reads it equal, Python types included (whole float, big int, bytes, tuple).
  const loaded = await store.load(started.sid)
  t.ok(loaded !== null)
  t.strictSame(typed(loaded), started.session)
  t.match(loaded, { chat_history: [{ human: '[雑談開始]' }, { human: '温泉に行きました♨️' }], _permanent: true })

  // 3. TypeScript changes it: a new exchange, a nested dict with Japanese text, a removed key.
  const change = {
    human: 'TypeScriptから送信', ai: '受け取りました。次の話題にしましょう。', timestamp: '2026-11-25T22:03:00'
  }
  const updated = await store.update(started.sid, (s) => {
    const { csrf_token_time: _dropped, ...rest } = s
    return {
      ...rest,
      chat_history: [...(s.chat_history as unknown[]), change],
      from_typescript: { note: '新サービス', ratio: 0.75, whole: new PyFloat(4), huge: 2n ** 80n, list: [1, [2, [3]]] }
    }
  })

  // 4. Flask reads back exactly that, and keeps working: a next request appends to it.
  const readBack = await callFlask(flask, 'GET', '/session', started.sid)
  t.equal(readBack.sid, started.sid, 'Flask found the same session')
  t.strictSame(readBack.session, typed(updated), 'Flask sees what TypeScript wrote, equal')
  t.notOk('csrf_token_time' in readBack.session, 'the key TypeScript removed is gone for Flask too')
  const turn = await callFlask(flask, 'POST', '/chat/turn', started.sid)
  t.equal(turn.session.turns, 1)
  t.equal((turn.session.chat_history as unknown[]).length, 4, 'two from Flask, one from TypeScript, one new')
  t.strictSame(typed(await store.load(started.sid)), turn.session, 'and TypeScript reads Flask\'s next write equal')

  // 5. A session TypeScript creates, with a cookie TypeScript issues, is accepted by Flask.
  const sid = randomUUID()
  const mine = { _permanent: true, chat_history: [{ human: 'はじめまして', ai: 'よろしくお願いします', timestamp: '2026-11-25T22:04:00' }] }
  await store.save(sid, mine)
  const adopted = await callFlask(flask, 'GET', '/session', cookies.serialize(sid))
  t.equal(adopted.sid, sid, 'Flask adopted the TypeScript session id')
  t.equal(adopted.new, false)
  t.strictSame(adopted.session, typed(mine))
})
