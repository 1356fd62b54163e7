/**
 * The GW_ERR_* codes of gateway/core/errors.ts that no other test triggered, each raised by the
 * real code path that raises it: a real gateway (buildGateway) over real upstream servers, the
 * real config loader, the real control plane (with a real Redis where the code is about Redis).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { subscribe } from '../../../gateway/data-plane/events.js'
import { request } from 'undici'
import { registerControlPlane } from '../../../gateway/control-plane/register-control-plane.js'
import { loadRoutesFile, parseRoutesConfig } from '../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../gateway/data-plane/build-gateway.js'
import { routesYaml, startGateway } from '../../helpers/gateway.js'
import { freePort, namedUpstream, startServer } from '../../helpers/http-server.js'
import { REDIS_URL } from '../../helpers/requirements.js'
import { startTcpCut } from '../data-plane/overrides/tcp-cut.js'
import { redisFor } from '../control-plane/rollout/redis-fixture.js'
import { admin, startRolloutGateway, testPlan } from '../control-plane/rollout/rollout-harness.js'

/** A TCP server that answers each connection's first bytes with `reply` and closes. */
async function rawUpstream (t: Test, reply: string): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', () => socket.end(reply))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => await new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function gatewayOver (t: Test, legacy: string, candidate = legacy): Promise<string> {
  const { app, url } = await startGateway({ legacy, new: candidate })
  t.teardown(() => app.close())
  return url
}

async function getJson (url: string): Promise<{ status: number, servedBy: unknown, body: any }> {
  const res = await request(url)
  return { status: res.statusCode, servedBy: res.headers['x-served-by'], body: await res.body.json() }
}

t.test('GW_ERR_UPSTREAM_RESET: the upstream drops the connection before answering', async (t) => {
  const dropping = await startServer((req) => { req.socket.destroy() })
  t.teardown(dropping.close)
  const url = await gatewayOver(t, dropping.url)
  const { status, servedBy, body } = await getJson(`${url}/anything`)
  t.equal(status, 502)
  t.equal(servedBy, 'legacy')
  t.match(body, { statusCode: 502, code: 'GW_ERR_UPSTREAM_RESET', message: 'upstream legacy closed the connection before it finished answering' })
})

t.test('GW_ERR_UPSTREAM_RESET: the upstream closes in the middle of its status line', async (t) => {
  const url = await gatewayOver(t, await rawUpstream(t, 'HTTP/1.1 200'))
  const { status, body } = await getJson(`${url}/anything`)
  t.equal(status, 502)
  t.match(body, { code: 'GW_ERR_UPSTREAM_RESET' })
})

t.test('GW_ERR_UPSTREAM_RESET from new is the fallback cause when legacy rescues the request', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const dropping = await startServer((req) => { req.socket.destroy() })
  t.teardown(dropping.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: dropping.url,
    features: { chat: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/*', feature: 'chat' }]
  })
  t.teardown(() => app.close())
  const causes: string[] = []
  subscribe(app, 'fallback', ({ cause }) => causes.push(cause))
  const { status, servedBy, body } = await getJson(`${url}/api/chat`)
  t.equal(status, 200)
  t.equal(servedBy, 'legacy-fallback')
  t.equal(body.upstream, 'legacy')
  t.same(causes, ['GW_ERR_UPSTREAM_RESET'])
})

t.test('GW_ERR_UPSTREAM_PROTOCOL: the upstream sends a malformed header block', async (t) => {
  // A header name with a space in it is not HTTP; llhttp stops with the declared body unread.
  const url = await gatewayOver(t, await rawUpstream(t, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nBad Header: x\r\n\r\nhello'))
  const { status, servedBy, body } = await getJson(`${url}/anything`)
  t.equal(status, 502)
  t.equal(servedBy, 'legacy')
  t.match(body, { statusCode: 502, code: 'GW_ERR_UPSTREAM_PROTOCOL', message: 'upstream legacy sent a response that is not valid HTTP' })
})

t.test('GW_ERR_UPSTREAM_PROTOCOL: an upstream that is not an HTTP server (docs/errors.md)', async (t) => {
  const url = await gatewayOver(t, await rawUpstream(t, 'SSH-2.0-OpenSSH_9.6\r\n'))
  const { status, body } = await getJson(`${url}/anything`)
  t.equal(status, 502)
  t.match(body, { code: 'GW_ERR_UPSTREAM_PROTOCOL' })
})

t.test('GW_ERR_CONFIG_READ: buildGateway with a routes.yaml that cannot be read', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-config-read-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const missing = path.join(dir, 'routes.yaml')
  await t.rejects(buildGateway({ configFile: missing, env: {} }), {
    code: 'GW_ERR_CONFIG_READ',
    statusCode: 500,
    message: new RegExp(`^cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`)
  }, 'a missing file')
  await t.rejects(loadRoutesFile(dir), { code: 'GW_ERR_CONFIG_READ', message: /EISDIR/ }, 'a directory')
})

t.test('GW_ERR_CONFIG_READ on reload: rejected, the previous configuration keeps serving', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-config-read-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'routes.yaml')
  await writeFile(file, routesYaml({ legacy: legacy.url, new: legacy.url }))
  const app = await buildGateway({ configFile: file, env: {} })
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  await rm(file)
  const result = await app.gateway.reload()
  t.match(result, { ok: false, version: 1, problems: [/^cannot read .*routes\.yaml: ENOENT/] })
  t.equal(app.gateway.holder.current().version, 1)
  const { status, body } = await getJson(`${url}/still-up`)
  t.equal(status, 200)
  t.equal(body.upstream, 'legacy')
})

t.test('GW_ERR_ROLLOUT_BAD_PLAN: starting a plan whose steps cannot run', async (t) => {
  const cases: Array<[string, unknown[], RegExp]> = [
    ['steps that do not grow', [50, 10], /steps\[1\]: 10 does not grow from 50; canary steps must increase/],
    ['shadow after the first step', [10, 'shadow', 50], /steps\[1\]: shadow can only be the first step/]
  ]
  for (const [name, steps, message] of cases) {
    const gw = await startRolloutGateway(testPlan({ steps, bakeMs: 60_000 }))
    t.teardown(gw.close)
    const started = await admin(gw.url, 'POST', '/admin/rollouts/chat/start')
    t.equal(started.status, 422, `${name}: 422`)
    t.match(started.body, { statusCode: 422, code: 'GW_ERR_ROLLOUT_BAD_PLAN', message }, `${name}: the code and the problem`)
    t.match((await admin(gw.url, 'GET', '/admin/rollouts/chat')).body, { status: 'idle' }, `${name}: no rollout was started`)
    t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { enabled: false, canary: 0 }, `${name}: the flags did not move`)
  }
})

t.test('GW_ERR_ROLLOUT_BAD_PLAN: a shadow step for a feature that mirrors nothing', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: legacy.url,
    features: { chat: { shadow: { sample: 0 }, rollout: testPlan({ steps: ['shadow', 10] }) } },
    routes: [{ path: '/api/*', feature: 'chat' }]
  }))
  const app = await buildGateway({ config, env: {} })
  t.teardown(() => app.close())
  await registerControlPlane(app, { adminToken: undefined })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const started = await admin(url, 'POST', '/admin/rollouts/chat/start')
  t.equal(started.status, 422)
  t.match(started.body, { code: 'GW_ERR_ROLLOUT_BAD_PLAN', message: /the shadow step needs shadow\.sample > 0/ })
})

t.test('GW_ERR_ROLLOUT_UNAVAILABLE: a gateway cannot start its rollout controller without its Redis', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const app = await buildGateway({ config: parseRoutesConfig(routesYaml({ legacy: legacy.url, new: legacy.url })), env: {} })
  t.teardown(() => app.close())
  const down = `redis://127.0.0.1:${await freePort()}`
  await t.rejects(registerControlPlane(app, { adminToken: undefined, redis: down }), {
    code: 'GW_ERR_ROLLOUT_UNAVAILABLE',
    statusCode: 503,
    message: /^the rollout state \(Redis\) is unavailable, so nothing changed/
  })
})

t.test('GW_ERR_ROLLOUT_UNAVAILABLE: 503 from the rollout API while Redis is down', async (t) => {
  const setup = await redisFor(t, 'error-codes-rollout')
  if (setup === undefined) return
  const target = new URL(REDIS_URL)
  const cut = await startTcpCut({ host: target.hostname, port: Number(target.port || 6379) })
  t.teardown(cut.close)
  // The report counters live in Redis under the feature's name: one of this test's own.
  const feature = `errcodes_${process.pid}_${Math.random().toString(36).slice(2, 6)}`
  const gw = await startRolloutGateway(testPlan({ steps: [10, 100], bakeMs: 60_000 }), feature, { url: cut.url, keyPrefix: setup.prefix })
  // Teardowns run last-registered first: Redis is reachable again while the gateway closes, then the forwarder goes.
  let down = false
  t.teardown(async () => {
    if (down) await cut.restore()
    await gw.close()
  })

  t.equal((await admin(gw.url, 'GET', `/admin/rollouts/${feature}`)).status, 200, 'with Redis: the rollout view answers')
  await cut.cut()
  down = true
  const viewed = await admin(gw.url, 'GET', `/admin/rollouts/${feature}`)
  t.equal(viewed.status, 503)
  t.match(viewed.body, { statusCode: 503, code: 'GW_ERR_ROLLOUT_UNAVAILABLE', message: /^the rollout state \(Redis\) is unavailable/ })
  const started = await admin(gw.url, 'POST', `/admin/rollouts/${feature}/start`)
  t.equal(started.status, 503)
  t.match(started.body, { code: 'GW_ERR_ROLLOUT_UNAVAILABLE' })
  t.equal(await setup.redis.get(`${setup.prefix}rollout:${feature}`), null, 'nothing was written')
})
