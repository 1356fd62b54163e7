import { EventEmitter } from 'node:events'
import http, { type ServerResponse } from 'node:http'
import t from 'tap'
import { Pool } from 'undici'
import { ClientAbortSignal } from '../../../../gateway/data-plane/proxy/client-abort.js'
import { startServer } from '../../../helpers/http-server.js'

t.test('a removed listener is not called', async (t) => {
  // A client that went away: the response closed before it finished.
  const response = Object.assign(new EventEmitter(), { destroyed: true, writableFinished: false }) as unknown as ServerResponse
  const signal = new ClientAbortSignal(response, () => false)
  let called = 0
  const listener = (): void => { called++ }
  signal.once('abort', listener)
  signal.removeListener('abort', listener)
  t.equal(response.listenerCount('close'), 0, 'with no listener left it stops listening to the response')
  response.emit('close')
  t.equal(signal.aborted, true)
  t.equal(called, 0)
})

t.test('ClientAbortSignal keeps the call going while keepGoing() says its answer is wanted', async (t) => {
  const response = Object.assign(new EventEmitter(), { destroyed: true, writableFinished: false }) as unknown as ServerResponse
  let wanted = true
  const signal = new ClientAbortSignal(response, () => wanted)
  let called = 0
  signal.once('abort', () => { called++ })
  response.emit('close')
  t.equal(called, 0, 'a shadow still compares against it')
  wanted = false
  t.equal(signal.aborted, true)
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
