import type { IncomingHttpHeaders } from 'node:http'
import t from 'tap'
import { request } from 'undici'
import { startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

t.test('legacy serves; new gets a marked copy; the difference is recorded', async (t) => {
  const seenByNew: IncomingHttpHeaders[] = []
  const legacy = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id: 7, name: 'legacy name', timestamp: String(Date.now()) }))
  })
  t.teardown(legacy.close)
  const candidate = await startServer((req, res) => {
    seenByNew.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify({ id: 7, name: 'new name', timestamp: 'later' }))
  })
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { scenario: { shadow: { sample: 100 }, compare: { ignorePaths: ['timestamp'] } } },
    routes: [{ path: '/api/scenarios', feature: 'scenario' }, { path: '/api/scenario_chat', feature: 'scenario' }]
  })
  t.teardown(() => app.close())

  const response = await request(`${url}/api/scenarios?page=2`, { headers: { cookie: 'session=abc123', host: 'roleplay.example' } })
  t.equal(response.headers['x-served-by'], 'legacy')
  t.match(await response.body.json(), { name: 'legacy name' }, 'the user gets legacy')
  await shadowsSettled(app)

  t.equal(seenByNew.length, 1, 'new got one shadow request')
  t.equal(seenByNew[0]['x-shadow-request'], '1')
  t.equal(seenByNew[0]['x-shadow-of'], response.headers['x-request-id'], 'the shadow names its primary request')
  t.equal(seenByNew[0].host, 'roleplay.example', 'the original Host is kept')

  const { records } = await app.gateway.diffStore.list({ feature: 'scenario' })
  t.equal(records.length, 1)
  const record = records[0]
  t.equal(record.route, '/api/scenarios')
  t.equal(record.path, '/api/scenarios?page=', 'query values are not stored')
  t.equal(record.verdict, 'different')
  t.same(record.differences.map((d) => [d.kind, d.path]), [['changed', 'name']], 'timestamp ignored, charset-only content-type change is no difference')
  t.not(record.sessionHash, 'abc123', 'the session id is hashed')
  t.notMatch(JSON.stringify(record), /abc123/, 'the raw session id appears nowhere in the record')

  const post = await request(`${url}/api/scenario_chat`, { method: 'POST', body: '{"message":"hi"}' })
  await post.body.text()
  await shadowsSettled(app)
  t.equal(seenByNew.length, 1, 'a POST is not mirrored unless the route says shadowSafe')
})

t.test('shadowSafe routes mirror POST bodies; sample 0 mirrors nothing', async (t) => {
  const bodies: string[] = []
  const legacy = await startServer((req, res) => { req.resume(); req.on('end', () => res.end('{"ok":true}')) })
  t.teardown(legacy.close)
  const candidate = await startServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => { bodies.push(`${req.url} ${body}`); res.end('{"ok":true}') })
  })
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { assist: { shadow: { sample: 100 } }, off: { shadow: { sample: 0 } } },
    routes: [
      { path: '/api/get_assist', methods: ['POST'], feature: 'assist', shadowSafe: true },
      { path: '/api/other', feature: 'off' }
    ]
  })
  t.teardown(() => app.close())
  const r1 = await request(`${url}/api/get_assist`, { method: 'POST', body: '{"scenario_id":"scenario1"}' })
  await r1.body.text()
  const r2 = await request(`${url}/api/other`)
  await r2.body.text()
  await shadowsSettled(app)
  t.same(bodies, ['/api/get_assist {"scenario_id":"scenario1"}'])
  const summary = await app.gateway.diffStore.summary()
  t.equal(summary.features.assist.equal, 1, 'the equal exchange is counted')
})
