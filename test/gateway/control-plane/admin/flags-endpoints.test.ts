import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { routesYaml, type TestRoutes } from '../../../helpers/gateway.js'

const ROUTES: TestRoutes = {
  legacy: 'http://127.0.0.1:9',
  new: 'http://127.0.0.1:9',
  features: { chat: { enabled: true, canary: 100 }, watch: { enabled: false, canary: 0 } },
  routes: [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
}

async function gateway (env: NodeJS.ProcessEnv = {}, configFile?: string) {
  const app = configFile === undefined
    ? await buildGateway({ config: parseRoutesConfig(routesYaml(ROUTES)), env })
    : await buildGateway({ configFile, env })
  await app.register(adminPlugin, { token: undefined })
  return app
}

t.test('GET /admin/flags shows each value and where it came from', async (t) => {
  const app = await gateway({ USE_NEW_WATCH: 'true' })
  t.teardown(() => app.close())
  await app.gateway.overrides.set('chat', { canary: 30 })
  const body = (await app.inject({ method: 'GET', url: '/admin/flags' })).json()
  t.match(body.features.chat, { enabled: true, canary: 30, source: { enabled: 'yaml', canary: 'admin' }, stage: 'canary', override: { canary: 30 }, routes: ['/api/chat'] })
  t.match(body.features.watch, { enabled: true, source: { enabled: 'env' }, env: { name: 'USE_NEW_WATCH', value: true } })
  t.equal(body.routes.length, 2)
})

t.test('PUT /admin/flags/:feature validates, merges and audits', async (t) => {
  const app = await gateway()
  t.teardown(() => app.close())
  const put = async (feature: string, payload: unknown) => await app.inject({ method: 'PUT', url: `/admin/flags/${feature}`, payload: payload as object })
  for (const bad of [{ canary: 101 }, { canary: -1 }, { enabled: 'yes' }, { other: 1 }, {}, [1]]) {
    const res = await put('chat', bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad))
    t.equal(res.json().code, 'GW_ERR_ADMIN_BAD_REQUEST')
  }
  const unknown = await put('nope', { enabled: true })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'GW_ERR_ADMIN_UNKNOWN_FEATURE')

  const on = await put('watch', { enabled: true, canary: 10 })
  t.equal(on.statusCode, 200)
  t.match(on.json(), { before: { enabled: false, canary: 0 }, after: { enabled: true, canary: 10, stage: 'canary' } })
  const more = await put('watch', { canary: 50 })
  t.same(more.json().after.override, { enabled: true, canary: 50 }, 'a partial PUT keeps the other field')
  const cleared = await put('watch', { enabled: null, canary: null })
  t.equal(cleared.json().after.override, null)
  t.equal(app.gateway.overrides.get('watch'), undefined)

  const audit = (await app.inject({ method: 'GET', url: '/admin/audit?feature=watch' })).json()
  t.equal(audit.entries.length, 3)
  t.match(audit.entries[0], { action: 'flag.clear', feature: 'watch', before: { enabled: true, canary: 50 }, after: null, who: { tokenId: null, remoteAddress: '127.0.0.1' } })
  t.match(audit.entries[2], { action: 'flag.set', before: null, after: { enabled: true, canary: 10 } })
  t.equal((await app.inject({ method: 'GET', url: '/admin/audit?limit=0' })).statusCode, 400)
})

t.test('rollback turns features off, with a warning when the environment outranks it', async (t) => {
  const app = await gateway({ USE_NEW_WATCH: 'true' })
  t.teardown(() => app.close())
  const one = await app.inject({ method: 'POST', url: '/admin/rollback/chat' })
  t.equal(one.statusCode, 200)
  t.match(one.json(), { rolledBack: ['chat'], after: { chat: { enabled: false, canary: 0, stage: 'legacy' } }, warnings: [] })
  t.equal((await app.inject({ method: 'POST', url: '/admin/rollback/nope' })).statusCode, 404)

  const all = (await app.inject({ method: 'POST', url: '/admin/rollback' })).json()
  t.same(all.rolledBack.sort(), ['chat', 'watch'])
  t.match(all.after.watch, { enabled: true, canary: 0, source: { enabled: 'env' } })
  t.match(all.warnings[0], /USE_NEW_WATCH=true/)
  const audit = (await app.inject({ method: 'GET', url: '/admin/audit' })).json()
  t.match(audit.entries[0], { action: 'rollback.all', feature: null, after: { chat: { enabled: false, canary: 0 } } })
  t.match(audit.entries[1], { action: 'rollback', feature: 'chat', before: null })
})

t.test('POST /admin/reload: 200 on a good file, 422 with problems on a bad one', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-admin-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'routes.yaml')
  await writeFile(file, routesYaml(ROUTES))
  const app = await gateway({}, file)
  t.teardown(() => app.close())
  const good = await app.inject({ method: 'POST', url: '/admin/reload' })
  t.equal(good.statusCode, 200)
  t.match(good.json(), { ok: true, version: 2 })
  await writeFile(file, 'routes: [ { path: 7 } ]\n')
  const bad = await app.inject({ method: 'POST', url: '/admin/reload' })
  t.equal(bad.statusCode, 422)
  t.match(bad.json(), { code: 'GW_ERR_ADMIN_RELOAD_REJECTED', version: 2 })
  t.ok(bad.json().problems.length > 0)
  t.equal(app.gateway.holder.current().version, 2, 'the previous configuration stays in force')
})
