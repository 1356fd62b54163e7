/** close() releases what the app opened: its listener, its store, and nothing is left running. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { setTimeout as delay } from 'node:timers/promises'
import { request } from 'undici'
import { buildLegacyStandIn } from '../../../legacy-adapter/stand-in/app.js'

const countOf = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length

t.test('after close() no server or socket of the app remains', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'stand-in-close-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const servers = countOf('TCPServerWrap')
  const app = await buildLegacyStandIn({ sessionDir: dir })
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const response = await request(`${baseUrl}/api/csrf-token`, { reset: true })
  await response.body.text()
  t.equal(countOf('TCPServerWrap'), servers + 1, 'listening')
  await app.close()
  // libuv reports a closed handle until its close callback has run on a later loop turn.
  for (let turn = 0; turn < 100 && countOf('TCPServerWrap') > servers; turn++) await delay(1)
  t.equal(countOf('TCPServerWrap'), servers, 'the listener is gone')
  t.equal(app.server.listening, false)
})
