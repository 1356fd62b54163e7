import { once } from 'node:events'
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import t from 'tap'
import { startServer } from '../../helpers/http-server.js'
import { startGateway } from '../../helpers/gateway.js'
import { shadowsSettled } from '../../helpers/shadow.js'

interface Held { req: IncomingMessage, res: ServerResponse }

/** An upstream that holds every request open and hands it to the test. */
async function holdingUpstream (): Promise<{ url: string, close: () => Promise<void>, next: () => Promise<Held> }> {
  const waiting: Array<(held: Held) => void> = []
  const arrived: Held[] = []
  const server = await startServer((req, res) => {
    const waiter = waiting.shift()
    if (waiter !== undefined) waiter({ req, res })
    else arrived.push({ req, res })
  })
  return {
    url: server.url,
    close: server.close,
    next: async () => arrived.shift() ?? await new Promise<Held>((resolve) => waiting.push(resolve))
  }
}

/** Resolves once the gateway itself has seen every client connection close. */
async function gatewayConnectionsClosed (server: Server): Promise<void> {
  const count = async (): Promise<number> => await new Promise((resolve, reject) => {
    server.getConnections((err, n) => { if (err !== null) reject(err); else resolve(n) })
  })
  while (await count() > 0) await new Promise((resolve) => setTimeout(resolve, 5))
}

function abandonableGet (url: string): http.ClientRequest {
  const client = http.get(url)
  client.on('error', () => {})
  return client
}

t.test('a client that goes away before the answer cancels the upstream call', async (t) => {
  const upstream = await holdingUpstream()
  t.teardown(upstream.close)
  const { app, url } = await startGateway({ legacy: upstream.url, new: upstream.url })
  t.teardown(() => app.close())

  const client = abandonableGet(`${url}/slow`)
  const held = await upstream.next()
  const closed = once(held.req.socket, 'close')
  client.destroy()
  await closed
  t.pass('the upstream connection of the abandoned request was closed')
})

t.test('a client that goes away before the answer keeps the call when a shadow needs legacy\'s answer', async (t) => {
  const legacy = await holdingUpstream()
  const candidate = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":2}'))
  t.teardown(legacy.close)
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat/history', feature: 'chat' }]
  })
  t.teardown(() => app.close())

  const client = abandonableGet(`${url}/api/chat/history`)
  const held = await legacy.next()
  client.destroy()
  await gatewayConnectionsClosed(app.server)
  // Legacy answers after the user left; the shadow compares against that answer.
  held.res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}')
  await shadowsSettled(app)
  const { records } = await app.gateway.diffStore.list({ feature: 'chat' })
  t.equal(records.length, 1, 'the pair was compared')
  t.same(records[0]?.differences.map((d) => [d.kind, d.path]), [['changed', 'a']], 'against legacy\'s real answer')
})
