import t, { type Test } from 'tap'
import { subscribe } from '../../../../gateway/data-plane/events.js'
import { request } from 'undici'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

async function setup (t: Test, newHandler = namedUpstream('new'), extra: Record<string, unknown> = {}) {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(newHandler)
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    ...extra
  })
  t.teardown(() => app.close())
  const fallbacks: string[] = []
  subscribe(app, 'fallback', ({ cause }) => fallbacks.push(cause))
  return { candidate, url, fallbacks }
}

t.test('new upstream killed at canary 100%: GET and small POST are served by legacy', async (t) => {
  const { candidate, url, fallbacks } = await setup(t)
  const before = await request(`${url}/api/chat`)
  t.equal(before.headers['x-served-by'], 'new')
  await before.body.text()

  await candidate.close()
  const get = await request(`${url}/api/conversation_history`)
  t.equal(get.statusCode, 200)
  t.equal(get.headers['x-served-by'], 'legacy-fallback')
  t.equal((await get.body.json() as { upstream: string }).upstream, 'legacy')

  const post = await request(`${url}/api/chat`, { method: 'POST', body: '{"message":"hello"}', headers: { 'content-type': 'application/json' } })
  t.equal(post.statusCode, 200)
  t.equal(post.headers['x-served-by'], 'legacy-fallback')
  t.match(await post.body.json(), { upstream: 'legacy', method: 'POST', bytes: 19 }, 'the buffered body was replayed whole')
  t.same(fallbacks, ['GW_ERR_UPSTREAM_UNREACHABLE', 'GW_ERR_UPSTREAM_UNREACHABLE'], 'each fallback counted with its cause')
})

t.test('a 5xx from new falls back; a 4xx does not', async (t) => {
  const { url, fallbacks } = await setup(t, (req, res) => {
    res.writeHead(req.url === '/api/broken' ? 503 : 404, { 'content-type': 'application/json' })
    res.end('{}')
  })
  const broken = await request(`${url}/api/broken`)
  t.equal(broken.headers['x-served-by'], 'legacy-fallback')
  t.equal(broken.statusCode, 200)
  await broken.body.text()
  const missing = await request(`${url}/api/missing`)
  t.equal(missing.headers['x-served-by'], 'new')
  t.equal(missing.statusCode, 404)
  await missing.body.text()
  t.same(fallbacks, ['HTTP_503'])
})

t.test('a body larger than the replay cap is not replayed: the error reaches the client', async (t) => {
  const { candidate, url } = await setup(t, namedUpstream('new'), { limits: { replayBodyBytes: 8 } })
  await candidate.close()
  const post = await request(`${url}/api/chat`, { method: 'POST', body: '{"message":"longer than eight bytes"}' })
  t.equal(post.statusCode, 502)
  t.equal(post.headers['x-served-by'], 'new')
  t.match(await post.body.json(), { code: 'GW_ERR_UPSTREAM_UNREACHABLE' })
})

t.test('fallback: false leaves the failure visible', async (t) => {
  const { candidate, url } = await setup(t, namedUpstream('new'), {
    features: { chat: { enabled: true, canary: 100, fallback: false } }
  })
  await candidate.close()
  const get = await request(`${url}/api/chat`)
  t.equal(get.statusCode, 502)
  t.match(await get.body.json(), { code: 'GW_ERR_UPSTREAM_UNREACHABLE', statusCode: 502 })
})
