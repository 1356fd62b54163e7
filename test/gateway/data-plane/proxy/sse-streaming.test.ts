import t from 'tap'
import { request } from 'undici'
import { startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

t.test('an SSE event reaches the client before the upstream finishes the stream', async (t) => {
  let finishStream: (() => void) | undefined
  let upstreamFinished = false
  const legacy = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write('data: {"content":"first"}\n\n')
    finishStream = () => {
      upstreamFinished = true
      res.end('data: {"done":true}\n\n')
    }
  })
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url })
  t.teardown(() => app.close())

  const response = await request(`${url}/api/v2/chat`, { method: 'POST', body: '{}' })
  t.equal(response.headers['content-type'], 'text/event-stream')
  const reader = response.body[Symbol.asyncIterator]()
  const first = await reader.next()
  t.match(String(first.value), /first/, 'first event arrived')
  t.equal(upstreamFinished, false, 'while the upstream had not finished')
  finishStream?.()
  let rest = ''
  for (let next = await reader.next(); next.done !== true; next = await reader.next()) rest += String(next.value)
  t.match(rest, /"done":true/, 'the terminal event follows')
})
