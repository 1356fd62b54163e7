import t from 'tap'
import { request } from 'undici'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

t.test('routes by path and flag, and says who served', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100 }, watch: { enabled: false, canary: 100 } },
    routes: [
      { path: '/api/chat', methods: ['POST'], feature: 'chat' },
      { path: '/api/watch/*', feature: 'watch' }
    ]
  })
  t.teardown(() => app.close())

  const chat = await request(`${url}/api/chat?x=1`, { method: 'POST', body: '{"message":"hi"}', headers: { 'content-type': 'application/json' } })
  const chatBody = await chat.body.json() as { upstream: string, url: string, bytes: number, headers: Record<string, string> }
  t.equal(chat.headers['x-served-by'], 'new')
  t.equal(chatBody.upstream, 'new')
  t.equal(chatBody.url, '/api/chat?x=1', 'path and query pass unchanged')
  t.equal(chatBody.bytes, 16)
  t.equal(chatBody.headers['x-forwarded-for'], '127.0.0.1')
  t.equal(chatBody.headers['x-forwarded-proto'], 'http')
  t.match(chatBody.headers['x-forwarded-host'], /^127\.0\.0\.1:\d+$/)
  t.equal(chatBody.headers['x-request-id'], chat.headers['x-request-id'], 'upstream sees the request id the client gets')

  const getChat = await request(`${url}/api/chat`)
  t.equal((await getChat.body.json() as { upstream: string }).upstream, 'legacy', 'method not in the route: default route')
  t.equal(getChat.headers['x-served-by'], 'legacy')

  const watch = await request(`${url}/api/watch/next`, { method: 'POST' })
  t.equal((await watch.body.json() as { upstream: string }).upstream, 'legacy', 'flag off: legacy')

  const other = await request(`${url}/somewhere/else`)
  t.equal((await other.body.json() as { upstream: string }).upstream, 'legacy', 'unmatched: legacy')
  t.equal(other.headers['x-served-by'], 'legacy')
})

t.test('a client cannot pose as a shadow: X-Shadow-* headers never reach an upstream from outside', async (t) => {
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: candidate.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat', methods: ['POST'], feature: 'chat' }]
  })
  t.teardown(() => app.close())
  const response = await request(`${url}/api/chat`, {
    method: 'POST',
    body: '{}',
    headers: { 'x-shadow-request': '1', 'x-shadow-snapshot': 'abc.def', 'x-shadow-of': 'r1', 'x-shadowy-but-fine': 'kept' }
  })
  const seen = (await response.body.json() as { headers: Record<string, string> }).headers
  t.equal(response.headers['x-served-by'], 'new')
  t.notOk('x-shadow-request' in seen)
  t.notOk('x-shadow-snapshot' in seen)
  t.notOk('x-shadow-of' in seen)
  t.equal(seen['x-shadowy-but-fine'], 'kept', 'only the gateway\'s own prefix is stripped')
})
