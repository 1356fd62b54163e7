import { Readable } from 'node:stream'
import t from 'tap'
import { request } from 'undici'
import { startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

const MiB = 1024 * 1024

t.test('a body of several MB streams through: the upstream sees bytes before the client has sent them all', async (t) => {
  let received = 0
  let firstBytesAt = -1
  let clientSent = 0
  const legacy = await startServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      if (firstBytesAt === -1) firstBytesAt = clientSent
      received += chunk.length
    })
    req.on('end', () => res.end(JSON.stringify({ received })))
  })
  t.teardown(legacy.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: legacy.url,
    limits: { bodyBytes: 64 * MiB }
  })
  t.teardown(() => app.close())

  const total = 8 * MiB
  const chunk = Buffer.alloc(64 * 1024, 7)
  const body = Readable.from((async function * () {
    while (clientSent < total) {
      clientSent += chunk.length
      yield chunk
      // Let the proxy move bytes along between chunks, as a real network would.
      await new Promise((resolve) => setImmediate(resolve))
    }
  })())
  const response = await request(`${url}/upload`, { method: 'POST', body })
  t.same(await response.body.json(), { received: total }, 'every byte arrived')
  t.ok(firstBytesAt > 0 && firstBytesAt < total / 2, `upstream had its first bytes after ${firstBytesAt} of ${total} sent`)
})

t.test('a body over the cap gets 413 with the error code', async (t) => {
  const legacy = await startServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')) })
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url, limits: { bodyBytes: 1024 } })
  t.teardown(() => app.close())

  const declared = await request(`${url}/upload`, { method: 'POST', body: Buffer.alloc(4096) })
  t.equal(declared.statusCode, 413, 'content-length over the cap')
  t.match(await declared.body.json(), { code: 'GW_ERR_BODY_TOO_LARGE' })

  const chunked = await request(`${url}/upload`, {
    method: 'POST',
    body: Readable.from([Buffer.alloc(800), Buffer.alloc(800)])
  })
  t.equal(chunked.statusCode, 413, 'chunked body that grows past the cap')
  t.match(await chunked.body.json(), { code: 'GW_ERR_BODY_TOO_LARGE' })

  const small = await request(`${url}/upload`, { method: 'POST', body: Buffer.alloc(1000) })
  t.equal(small.statusCode, 200, 'a body within the cap passes')
  await small.body.text()
})
