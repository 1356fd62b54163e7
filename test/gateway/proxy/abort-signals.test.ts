import http from 'node:http'
import t from 'tap'
import { Pool } from 'undici'
import { ClientAbortSignal, DeadlineSignal } from '../../../gateway/proxy/abort-signals.js'
import { startServer } from '../../helpers/http-server.js'

t.test('DeadlineSignal aborts an undici call that outlives it, with a TimeoutError', async (t) => {
  const hanging = await startServer(() => { /* never answers */ })
  const pool = new Pool(hanging.url)
  t.teardown(async () => { await pool.destroy(); await hanging.close() })
  const deadline = new DeadlineSignal(50)
  await t.rejects(pool.request({ method: 'GET', path: '/', signal: deadline }), { name: 'TimeoutError', message: 'no answer within 50 ms' })
  t.equal(deadline.aborted, true)
})

t.test('DeadlineSignal cleared in time never fires', async (t) => {
  const deadline = new DeadlineSignal(20)
  let fired = false
  deadline.once('abort', () => { fired = true })
  deadline.clear()
  await new Promise((resolve) => setTimeout(resolve, 60))
  t.equal(fired, false)
  t.equal(deadline.aborted, false)
})

t.test('a removed listener is not called', async (t) => {
  const deadline = new DeadlineSignal(10)
  let called = 0
  const listener = (): void => { called++ }
  deadline.once('abort', listener)
  deadline.removeListener('abort', listener)
  await new Promise((resolve) => setTimeout(resolve, 40))
  t.equal(deadline.aborted, true)
  t.equal(called, 0)
})

t.test('ClientAbortSignal listens to the response only while undici listens to it', async (t) => {
  const upstream = await startServer((_req, res) => res.end('ok'))
  const pool = new Pool(upstream.url)
  let leftOver = -1
  const front = await startServer((_req, res) => {
    const signal = new ClientAbortSignal(res, () => false)
    const before = res.listenerCount('close')
    pool.request({ method: 'GET', path: '/', signal }).then(async (answer) => {
      await answer.body.text()
      // undici drops its abort listener when the body closes.
      await new Promise((resolve) => setImmediate(resolve))
      leftOver = res.listenerCount('close') - before
      res.end('done')
    }, () => res.destroy())
  })
  t.teardown(async () => { await pool.destroy(); await upstream.close(); await front.close() })
  const body = await new Promise<string>((resolve, reject) => {
    http.get(front.url, (res) => { let text = ''; res.on('data', (c) => { text += String(c) }); res.on('end', () => resolve(text)) }).on('error', reject)
  })
  t.equal(body, 'done')
  t.equal(leftOver, 0, 'no close listener is left on the response')
})
