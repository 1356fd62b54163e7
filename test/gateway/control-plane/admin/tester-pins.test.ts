/**
 * Tester pins end to end: issued by POST /admin/pins and `strangler-gateway pin issue`, audited,
 * honoured for their feature whatever the flag says, ignored and counted when forged, expired or
 * for another feature, kept out of the report's live figures, never forwarded upstream.
 */
import t, { type Test } from 'tap'
import { request } from 'undici'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { issuePin } from '../../../../gateway/data-plane/routing/tester-pin.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { runCli } from '../../../helpers/run-cli.js'

const SECRET = 'test-pin-secret'
const TOKEN = 'admin-token'

async function gateway (t: Test, env: NodeJS.ProcessEnv = { GATEWAY_PIN_SECRET: SECRET }) {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: false }, watch: { enabled: false } },
    routes: [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
  }))
  const app = await buildGateway({ config, env })
  t.teardown(() => app.close())
  await app.register(recorderPlugin)
  await app.register(adminPlugin, { token: TOKEN })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url }
}

const admin = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

async function chat (url: string, headers: Record<string, string> = {}) {
  const res = await request(`${url}/api/chat`, { headers })
  const body = await res.body.json() as { upstream: string, headers: Record<string, string> }
  return { servedBy: res.headers['x-served-by'], body }
}

async function metric (url: string, pattern: RegExp): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text()
  const line = text.split('\n').find((l) => pattern.test(l))
  return line === undefined ? 0 : Number(line.split(' ').pop())
}

t.test('an issued pin sends its tester to new with the flag off; others stay on legacy', async (t) => {
  const { app, url } = await gateway(t)
  const res = await request(`${url}/admin/pins`, { method: 'POST', headers: admin, body: JSON.stringify({ feature: 'chat', side: 'new', ttl: '30m' }) })
  t.equal(res.statusCode, 201)
  const issued = await res.body.json() as { token: string, expiresAt: string }
  t.ok(Date.parse(issued.expiresAt) - Date.now() > 29 * 60_000)

  t.match(await chat(url), { servedBy: 'legacy' }, 'no pin: the flag decides')
  const pinned = await chat(url, { 'x-gateway-pin': issued.token })
  t.equal(pinned.servedBy, 'new', 'the pin decides for its feature')
  t.equal(pinned.body.headers['x-gateway-pin'], undefined, 'the pin is not forwarded')
  t.match(await chat(url, { cookie: `sg_pin=${issued.token}` }), { servedBy: 'new' }, 'the cookie works too')
  t.equal(await metric(url, /^app_pinned_requests_total\{feature="chat",side="new"\}/), 2)

  // Only the unpinned request counts as live traffic for the verdict: one request, on old.
  const fields: Record<string, number> = {}
  for (const { fields: f } of await app.latencyRecorder.read('chat', 5)) {
    for (const [name, n] of Object.entries(f)) fields[name] = (fields[name] ?? 0) + n
  }
  t.notOk(Object.keys(fields).some((name) => name.includes(':new:')), 'no pinned request among the figures of new')
  t.equal(Object.entries(fields).filter(([name]) => name === 'live:old:n').reduce((sum, [, n]) => sum + n, 0), 1, 'the one unpinned request is there')
  const audit = await (await request(`${url}/admin/audit`, { headers: admin })).body.json() as { entries: Array<{ action: string, after: unknown }> }
  t.match(audit.entries[0], { action: 'pin.issue', feature: 'chat', after: { side: 'new' } })
  t.notOk(JSON.stringify(audit.entries).includes(issued.token), 'the token is never in the audit trail')
})

t.test('forged, expired and other-feature pins are ignored, counted, and never an error', async (t) => {
  const { url } = await gateway(t)
  const forged = issuePin('not-the-secret', 'chat', 'new', 600).token
  const expired = issuePin(SECRET, 'chat', 'new', 1, Date.now() - 10_000).token
  const otherFeature = issuePin(SECRET, 'watch', 'new', 600).token
  for (const token of [forged, expired, otherFeature, 'garbage']) {
    const { servedBy } = await chat(url, { 'x-gateway-pin': token })
    t.equal(servedBy, 'legacy', 'the normal rule decides')
  }
  t.equal(await metric(url, /^app_pins_ignored_total\{reason="invalid"\}/), 2)
  t.equal(await metric(url, /^app_pins_ignored_total\{reason="expired"\}/), 1)
  t.equal(await metric(url, /^app_pins_ignored_total\{reason="other_feature"\}/), 1)
})

t.test('without GATEWAY_PIN_SECRET pins are neither issued nor accepted', async (t) => {
  const { url } = await gateway(t, {})
  const res = await request(`${url}/admin/pins`, { method: 'POST', headers: admin, body: JSON.stringify({ feature: 'chat', side: 'new' }) })
  t.equal(res.statusCode, 409)
  t.match(await res.body.json(), { code: 'GW_ERR_PINS_DISABLED' })
  t.match(await chat(url, { 'x-gateway-pin': issuePin(SECRET, 'chat', 'new', 600).token }), { servedBy: 'legacy' })
  t.equal(await metric(url, /^app_pins_ignored_total\{reason="disabled"\}/), 1)
})

t.test('bad pin requests get the schema\'s 400; an unknown feature 404', async (t) => {
  const { url } = await gateway(t)
  for (const [body, status] of [[{ feature: 'chat', side: 'both' }, 400], [{ feature: 'chat' }, 400], [{ feature: 'chat', side: 'new', ttl: '30d' }, 400], [{ feature: 'nope', side: 'new' }, 404]] as const) {
    const res = await request(`${url}/admin/pins`, { method: 'POST', headers: admin, body: JSON.stringify(body) })
    t.equal(res.statusCode, status, JSON.stringify(body))
    await res.body.dump()
  }
})

t.test('strangler-gateway pin issue prints the token alone; --json an object', async (t) => {
  const { url } = await gateway(t)
  const env = { GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN }
  const plain = await runCli(['pin', 'issue', 'chat', 'new', '--ttl', '1h'], env)
  t.equal(plain.code, 0)
  t.match(plain.out, /^v1\.chat\.new\.\d+\.[A-Za-z0-9_-]+\n$/, 'the token and nothing else on stdout')
  t.match(await chat(url, { 'x-gateway-pin': plain.out.trim() }), { servedBy: 'new' })
  const json = await runCli(['pin', 'issue', 'chat', 'legacy', '--json'], env)
  t.match(JSON.parse(json.out), { token: /^v1\.chat\.legacy\./, feature: 'chat', side: 'legacy', expiresAt: String })
  t.equal((await runCli(['pin', 'issue', 'chat', 'sideways'], env)).code, 2, 'usage error')
})
