/**
 * `Expect: 100-continue`, byte by byte over a raw socket, as curl sends it for uploads over 1 MB:
 * the client waits for `100 Continue` before its body, and gets the upstream's answer; a body
 * declared over limits.bodyBytes gets the final 413 instead of the 100, and is never sent.
 */
import net from 'node:net'
import t, { type Test } from 'tap'
import { startGateway } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { parseAnswer } from './raw-http.js'

async function gateway (t: Test, limits: Record<string, number> = {}) {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url, limits })
  t.teardown(() => app.close())
  return { port: Number(new URL(url).port) }
}

/** Reads from the socket until `done(received)` says the answer is complete. */
function readUntil (socket: net.Socket, done: (text: string) => boolean, already = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = already
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('latin1')
      if (done(received)) { socket.off('data', onData); resolve(received) }
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.once('close', () => resolve(received))
  })
}

/** Every byte until the server closes (the requests say `Connection: close`). */
const untilClose = (): boolean => false

t.test('the client gets 100 Continue before it sends its body, then the upstream\'s answer to all of it', async (t) => {
  const { port } = await gateway(t)
  const body = Buffer.alloc(2 * 1024 * 1024, 'a')
  const socket = net.connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  socket.write(`POST /api/upload HTTP/1.1\r\nHost: gw.test\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`)
  const interim = await readUntil(socket, (text) => text.includes('\r\n\r\n'))
  t.equal(interim, 'HTTP/1.1 100 Continue\r\n\r\n', 'nothing but the interim answer before the body is sent')
  socket.write(body)
  const { head, body: answer } = parseAnswer(await readUntil(socket, untilClose))
  t.match(head, /^HTTP\/1\.1 200 OK\r\n/)
  const json = JSON.parse(answer) as { upstream: string, bytes: number, headers: Record<string, string> }
  t.equal(json.upstream, 'legacy')
  t.equal(json.bytes, body.length, 'the whole body reached the upstream')
  t.equal(json.headers.expect, undefined, 'Expect is answered by the gateway, not forwarded')
})

t.test('a body declared over limits.bodyBytes gets 413 instead of 100, and the connection ends', async (t) => {
  const { port } = await gateway(t, { bodyBytes: 1024 })
  const socket = net.connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  socket.write('POST /api/upload HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n')
  const received = await readUntil(socket, untilClose)
  t.match(received, /^HTTP\/1\.1 413 Payload Too Large\r\n/, 'the final status first: no 100 Continue')
  const { head, body } = parseAnswer(received)
  t.match(head, /\r\nconnection: close/i, 'and the server closes: the held-back body never comes')
  t.match(JSON.parse(body), { statusCode: 413, code: 'GW_ERR_BODY_TOO_LARGE' })
})

t.test('a request without Expect is unchanged: no interim answer', async (t) => {
  const { port } = await gateway(t)
  const socket = net.connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  socket.write('POST /api/chat HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello')
  const received = await readUntil(socket, untilClose)
  t.match(received, /^HTTP\/1\.1 200 OK\r\n/, 'the first bytes are the final answer')
  t.match(JSON.parse(parseAnswer(received).body), { upstream: 'legacy', bytes: 5 })
})
