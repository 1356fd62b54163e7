import { once } from 'node:events'
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

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

/** /api/chat/history shadowed at 100%. */
async function shadowingGateway (legacy: string, candidate: string, shadow: Record<string, number> = {}): Promise<{ app: FastifyInstance, url: string }> {
  return await startGateway({
    legacy,
    new: candidate,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat/history', feature: 'chat' }],
    shadow
  })
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
  const { app, url } = await shadowingGateway(legacy.url, candidate.url)
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

t.test('a client that goes away cancels the call when its shadow was dropped (budget full)', async (t) => {
  const legacy = await holdingUpstream()
  const candidate = await holdingUpstream()
  t.teardown(legacy.close)
  t.teardown(candidate.close)
  const { app, url } = await shadowingGateway(legacy.url, candidate.url, { maxConcurrent: 1, maxQueue: 0 })

  // The first request's shadow hangs on new and holds the whole budget.
  const first = abandonableGet(`${url}/api/chat/history`)
  const firstLegacy = await legacy.next()
  const hangingShadow = await candidate.next()
  firstLegacy.res.end('{}')
  await once(first, 'response')

  const client = abandonableGet(`${url}/api/chat/history`)
  const held = await legacy.next()
  // The gateway waits for its shadows when it closes: let the hanging one go first.
  t.teardown(async () => {
    hangingShadow.res.end('{}')
    held.res.destroy()
    await app.close()
  })
  const drops = (await app.metrics.shadow.dropped.get()).values.filter((v) => v.labels.reason === 'budget_full')
  t.equal(drops[0]?.value, 1, 'the second request\'s shadow was dropped: the budget was full')
  const closed = once(held.req.socket, 'close').then(() => 'closed')
  client.destroy()
  const outcome = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still open after 2 s'), 2000))])
  t.equal(outcome, 'closed', 'nothing needs legacy\'s answer any more: the call is cancelled')
})
