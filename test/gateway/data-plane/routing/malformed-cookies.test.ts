import { randomUUID } from 'node:crypto'
import net from 'node:net'
import t from 'tap'
import { request } from 'undici'
import { canaryBucket } from '../../../../gateway/data-plane/routing/canary.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

/** Sends raw bytes, so headers can carry what undici would refuse to send. */
async function rawGet (url: string, cookieBytes: Buffer): Promise<{ status: number, servedBy: string | undefined }> {
  const { hostname, port } = new URL(url)
  const head = Buffer.concat([
    Buffer.from(`GET /api/chat HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\nCookie: `),
    cookieBytes,
    Buffer.from('\r\n\r\n')
  ])
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(head))
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString('latin1') })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
  const status = Number(text.slice(9, 12))
  const servedBy = /x-served-by: ([^\r]+)/i.exec(text)?.[1]
  return { status, servedBy }
}

t.test('malformed cookies never cause a 500 and never route to new unless the rule says so', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  // Canary 50: only a valid session id in a low bucket may reach new.
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 50 } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  })
  t.teardown(() => app.close())

  const cases: Array<[string, Buffer]> = [
    ['empty value', Buffer.from('session=')],
    ['empty header', Buffer.from('')],
    ['no equals sign', Buffer.from('session')],
    ['only separators', Buffer.from(';;;=;')],
    ['huge value', Buffer.from(`session=${'a'.repeat(6000)}`)],
    ['non-UTF-8 bytes', Buffer.from([0x73, 0x65, 0x73, 0x73, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe, 0xc3, 0x28])],
    ['quotes and spaces', Buffer.from('session="  a b  "')],
    ['control characters', Buffer.from('session=abc\x01def')]
  ]
  for (const [name, bytes] of cases) {
    const { status, servedBy } = await rawGet(url, bytes)
    t.not(status, 500, `${name}: not a 500`)
    t.ok(status === 200 || status === 400 || status === 431, `${name}: answered ${status}`)
    if (status === 200) t.equal(servedBy, 'legacy', `${name}: legacy serves`)
  }

  // Several session cookies: the first one decides, as Werkzeug reads it.
  const inside = Array.from({ length: 200 }, () => randomUUID()).find((id) => canaryBucket(id) < 50) as string
  const outside = Array.from({ length: 200 }, () => randomUUID()).find((id) => canaryBucket(id) >= 50) as string
  const first = await request(`${url}/api/chat`, { headers: { cookie: `session=${inside}; other=1; session=${outside}` } })
  t.equal(first.headers['x-served-by'], 'new', 'the first of several session cookies counts (in canary)')
  await first.body.text()
  const second = await request(`${url}/api/chat`, { headers: { cookie: `session=${outside}; session=${inside}` } })
  t.equal(second.headers['x-served-by'], 'legacy', 'the first of several session cookies counts (out of canary)')
  await second.body.text()
})
