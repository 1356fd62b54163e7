/** deploy/rollback.sh against a running gateway (bash and curl, as an operator would run it). */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import adminPlugin from '../../gateway/control-plane/admin/admin-plugin.js'
import { buildGateway } from '../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../gateway/core/config/load-config.js'
import { routesYaml } from '../helpers/gateway.js'
import { freePort, namedUpstream, startServer } from '../helpers/http-server.js'

const SCRIPT = fileURLToPath(new URL('../../deploy/rollback.sh', import.meta.url))
const TOKEN = 'rollback-script-token'

async function rollbackSh (env: Record<string, string>, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile('bash', [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code), stdout, stderr })
    })
  })
}

async function gateway (t: { teardown: (fn: () => unknown) => void }, upstream: string) {
  const app = await buildGateway({
    env: {},
    config: parseRoutesConfig(routesYaml({
      legacy: upstream,
      new: upstream,
      features: { chat: { enabled: true, canary: 100 }, watch: { enabled: true, canary: 50 } },
      routes: [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
    }))
  })
  t.teardown(() => app.close())
  await app.register(adminPlugin, { token: TOKEN })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url }
}

t.test('rolls back one feature, then all, and checks /health', async (t) => {
  const upstream = await startServer(namedUpstream('both'))
  t.teardown(() => upstream.close())
  const { app, url } = await gateway(t, upstream.url)
  const env = { GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN }

  const one = await rollbackSh(env, 'chat')
  t.equal(one.code, 0, one.stderr)
  t.match(one.stdout, /rolled back: chat \(flag off, canary 0%/)
  t.match(one.stdout, /health: ok/)
  t.same(app.gateway.overrides.get('chat'), { enabled: false, canary: 0 })
  t.equal(app.gateway.overrides.get('watch'), undefined)

  const all = await rollbackSh(env)
  t.equal(all.code, 0, all.stderr)
  t.match(all.stdout, /rolling back every feature/)
  t.match(all.stdout, /rolled back: chat, watch/)
  t.same(app.gateway.overrides.get('watch'), { enabled: false, canary: 0 })
  const audit = (await app.inject({ method: 'GET', url: '/admin/audit', headers: { authorization: `Bearer ${TOKEN}` } })).json()
  t.equal(audit.entries[0].action, 'rollback.all')
})

t.test('ROLLBACK_REASON goes with the rollback, into the audit trail (and so the alert)', async (t) => {
  const upstream = await startServer(namedUpstream('both'))
  t.teardown(() => upstream.close())
  const { app, url } = await gateway(t, upstream.url)
  const reason = 'p95 "doubled" after deploy C:\\build\\4711\tsee #ops'
  const one = await rollbackSh({ GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN, ROLLBACK_REASON: reason }, 'chat')
  t.equal(one.code, 0, one.stderr)
  const [entry] = (await app.inject({ method: 'GET', url: '/admin/audit', headers: { authorization: `Bearer ${TOKEN}` } })).json().entries
  t.match(entry, { action: 'rollback', feature: 'chat', reason: 'p95 "doubled" after deploy C:\\build\\4711see #ops' }, 'quotes and backslashes kept, the tab dropped')

  const long = await rollbackSh({ GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN, ROLLBACK_REASON: 'x'.repeat(600) })
  t.equal(long.code, 0, 'a long reason is cut, never a reason to refuse the rollback')
  const [all] = (await app.inject({ method: 'GET', url: '/admin/audit', headers: { authorization: `Bearer ${TOKEN}` } })).json().entries
  t.equal(all.reason, 'x'.repeat(500))
})

t.test('says what went wrong, with exit codes scripts can use', async (t) => {
  const upstream = await startServer(namedUpstream('both'))
  t.teardown(() => upstream.close())
  const { app, url } = await gateway(t, upstream.url)

  const wrong = await rollbackSh({ GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: 'nope' })
  t.equal(wrong.code, 1)
  t.match(wrong.stderr, /FAILED: the gateway answered 401/)
  t.equal(app.gateway.overrides.get('chat'), undefined, 'nothing changed')

  const unknown = await rollbackSh({ GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN }, 'nope')
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /404/)

  const down = await rollbackSh({ GATEWAY_URL: `http://127.0.0.1:${await freePort()}`, GATEWAY_ADMIN_TOKEN: TOKEN })
  t.equal(down.code, 3)
  t.match(down.stderr, /cannot reach the gateway/)

  t.equal((await rollbackSh({ GATEWAY_URL: url }, 'a', 'b')).code, 2)
})

t.test('rolled back but an upstream is down: exit 4 and says so', async (t) => {
  const { app, url } = await gateway(t, `http://127.0.0.1:${await freePort()}`)
  const result = await rollbackSh({ GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN }, 'watch')
  t.equal(result.code, 4)
  t.match(result.stdout, /rolled back: watch/)
  t.match(result.stderr, /HEALTH: not ok/)
  t.same(app.gateway.overrides.get('watch'), { enabled: false, canary: 0 })
})
