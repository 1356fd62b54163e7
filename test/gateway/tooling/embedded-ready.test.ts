/** `npm start`'s ready check (embedded-ready.ts) against real servers: up, not ready, down, late. */
import t from 'tap'
import { probe, waitUntilAnswering } from '../../../gateway/tooling/embedded-ready.js'
import { freePort, startServer, type TestServer } from '../../helpers/http-server.js'

t.test('probe: 200 is ok; a 503 says its reasons; a refused connection says so', async (t) => {
  const up = await startServer((_req, res) => { res.writeHead(200).end('{}') })
  t.teardown(up.close)
  const notReady = await startServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'not_ready', reasons: ['legacy does not answer its health path (ECONNREFUSED)'] }))
  })
  t.teardown(notReady.close)
  const down = await freePort()

  t.same(await probe({ name: 'a', url: `${up.url}/health` }), { name: 'a', url: `${up.url}/health`, ok: true, detail: 'HTTP 200' })
  t.same(await probe({ name: 'gateway', url: `${notReady.url}/ready` }),
    { name: 'gateway', url: `${notReady.url}/ready`, ok: false, detail: 'HTTP 503: legacy does not answer its health path (ECONNREFUSED)' })
  t.same(await probe({ name: 'b', url: `http://127.0.0.1:${down}/health` }), { name: 'b', url: `http://127.0.0.1:${down}/health`, ok: false, detail: 'ECONNREFUSED' })
})

t.test('waitUntilAnswering: waits for one that comes up late; names the one that never does', async (t) => {
  const up = await startServer((_req, res) => { res.writeHead(200).end() })
  t.teardown(up.close)
  const latePort = await freePort()
  let late: TestServer | undefined
  t.teardown(async () => { await late?.close() })
  setTimeout(() => { startServer((_req, res) => { res.writeHead(200).end() }, latePort).then((s) => { late = s }, () => {}) }, 400)

  const started = Date.now()
  const both = await waitUntilAnswering([{ name: 'up', url: up.url }, { name: 'late', url: `http://127.0.0.1:${latePort}/` }], { timeoutMs: 5_000, intervalMs: 50 })
  t.equal(both.ok, true, 'ready once both answer')
  t.ok(Date.now() - started >= 350, 'not before the late one was up')

  const never = await freePort()
  const waitedFrom = Date.now()
  const result = await waitUntilAnswering([{ name: 'up', url: up.url }, { name: 'never', url: `http://127.0.0.1:${never}/` }], { timeoutMs: 600, intervalMs: 50 })
  t.equal(result.ok, false, 'not ready')
  t.ok(Date.now() - waitedFrom >= 600 && Date.now() - waitedFrom < 3_000, 'gave up at the timeout')
  t.same(result.answers.filter((a) => !a.ok).map((a) => [a.name, a.detail]), [['never', 'ECONNREFUSED']], 'naming the one that never answered')
})
