import t from 'tap'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { bearerToken, createAdminAuth, tokenIdOf } from '../../../../gateway/control-plane/admin/auth.js'
import { isLoopbackAddress } from '../../../../gateway/core/loopback.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { routesYaml } from '../../../helpers/gateway.js'

const TOKEN = 's3cret-admin-token'

async function gateway (token: string | undefined) {
  const config = parseRoutesConfig(routesYaml({
    legacy: 'http://127.0.0.1:9',
    new: 'http://127.0.0.1:9',
    features: { chat: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }))
  const app = await buildGateway({ config, env: {} })
  await app.register(adminPlugin, { token })
  return app
}

t.test('loopback addresses', async (t) => {
  for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) t.ok(isLoopbackAddress(address), address)
  for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '::2', '1127.0.0.1', undefined]) t.notOk(isLoopbackAddress(address), String(address))
})

t.test('bearer parsing and token id', async (t) => {
  t.equal(bearerToken(`Bearer ${TOKEN}`), TOKEN)
  t.equal(bearerToken(`bearer  ${TOKEN} `), TOKEN)
  t.equal(bearerToken(`Basic ${TOKEN}`), undefined)
  t.equal(bearerToken(undefined), undefined)
  t.match(tokenIdOf(TOKEN), /^[0-9a-f]{8}$/)
  t.not(tokenIdOf(TOKEN), TOKEN.slice(0, 8))
})

t.test('with a token: missing or wrong token is 401, loopback included', async (t) => {
  const app = await gateway(TOKEN)
  t.teardown(() => app.close())
  const missing = await app.inject({ method: 'GET', url: '/admin/flags' })
  t.equal(missing.statusCode, 401)
  t.equal(missing.json().code, 'GW_ERR_ADMIN_UNAUTHORIZED')
  const wrong = await app.inject({ method: 'GET', url: '/admin/flags', headers: { authorization: 'Bearer nope' } })
  t.equal(wrong.statusCode, 401)
  const rollback = await app.inject({ method: 'POST', url: '/admin/rollback', headers: { authorization: `Bearer ${TOKEN}x` } })
  t.equal(rollback.statusCode, 401)
  t.equal(app.gateway.overrides.get('chat'), undefined, 'a refused rollback changes nothing')
  const right = await app.inject({ method: 'GET', url: '/admin/flags', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(right.statusCode, 200)
  const remote = await app.inject({ method: 'GET', url: '/admin/flags', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(remote.statusCode, 200, 'a remote caller with the token is answered')
})

t.test('without a token: loopback only, 403 for anyone else', async (t) => {
  const app = await gateway(undefined)
  t.teardown(() => app.close())
  const local = await app.inject({ method: 'GET', url: '/admin/flags', remoteAddress: '127.0.0.1' })
  t.equal(local.statusCode, 200)
  const remote = await app.inject({ method: 'POST', url: '/admin/rollback', remoteAddress: '192.168.1.20' })
  t.equal(remote.statusCode, 403)
  t.equal(remote.json().code, 'GW_ERR_ADMIN_FORBIDDEN')
  const spoofed = await app.inject({ method: 'GET', url: '/admin/flags', remoteAddress: '10.0.0.7', headers: { 'x-forwarded-for': '127.0.0.1' } })
  t.equal(spoofed.statusCode, 403, 'X-Forwarded-For does not make a caller loopback')
})

t.test('without a token the hook warns once at start', async (t) => {
  const warnings: unknown[] = []
  const log = { warn: (...args: unknown[]) => warnings.push(args) } as never
  createAdminAuth({ token: '', log })
  t.equal(warnings.length, 1)
  createAdminAuth({ token: TOKEN, log })
  t.equal(warnings.length, 1)
})

t.test('unknown admin paths are 404 behind auth, never proxied', async (t) => {
  const app = await gateway(TOKEN)
  t.teardown(() => app.close())
  const refused = await app.inject({ method: 'GET', url: '/admin/nothing' })
  t.equal(refused.statusCode, 401)
  const missing = await app.inject({ method: 'GET', url: '/admin/nothing', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'GW_ERR_ADMIN_NOT_FOUND')
})

t.test('one shared hook protects the admin plugin and any other admin route', async (t) => {
  const config = parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:9', new: 'http://127.0.0.1:9' }))
  const app = await buildGateway({ config, env: {} })
  t.teardown(() => app.close())
  const auth = createAdminAuth({ token: TOKEN })
  await app.register(adminPlugin, { auth: auth.hook })
  app.get('/admin/elsewhere', { onRequest: auth.hook }, async () => ({ ok: true }))
  for (const url of ['/admin/flags', '/admin/elsewhere']) {
    t.equal((await app.inject({ url })).statusCode, 401, url)
    t.equal((await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200, url)
  }
})
