/** The admin routes' schemas: a 400 in the gateway's shape that names the field, and answers that keep every field. */
import t from 'tap'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { routesYaml } from '../../../helpers/gateway.js'

async function gateway () {
  const app = await buildGateway({
    config: parseRoutesConfig(routesYaml({
      legacy: 'http://127.0.0.1:9',
      new: 'http://127.0.0.1:9',
      features: { chat: { enabled: true, canary: 10 } },
      routes: [{ path: '/api/chat', feature: 'chat' }]
    })),
    env: {}
  })
  await app.register(adminPlugin)
  return app
}

t.test('bad input is answered by the schema, in the gateway error shape, naming what is wrong', async (t) => {
  const app = await gateway()
  t.teardown(() => app.close())
  const cases: Array<[method: 'GET' | 'PUT', url: string, payload: unknown, mentions: RegExp]> = [
    ['PUT', '/admin/flags/chat', { enabled: 'yes' }, /body\.enabled must be boolean,null/],
    ['PUT', '/admin/flags/chat', { canary: 101 }, /body\.canary must be <= 100/],
    ['PUT', '/admin/flags/chat', { canry: 5 }, /must NOT have additional properties \("canry"\)/],
    ['PUT', '/admin/flags/chat', {}, /body must NOT have fewer than 1 properties/],
    ['GET', '/admin/diffs?kind=bogus', undefined, /querystring\.kind must be equal to one of the allowed values \(changed, missing/],
    ['GET', '/admin/diffs?limit=100000', undefined, /querystring\.limit must be <= 500/],
    ['GET', '/admin/diffs?colour=red', undefined, /additional properties \("colour"\)/],
    ['GET', '/admin/audit?limit=0', undefined, /querystring\.limit must be >= 1/]
  ]
  for (const [method, url, payload, mentions] of cases) {
    const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) })
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}`)
    t.match(res.json(), { statusCode: 400, code: 'GW_ERR_ADMIN_BAD_REQUEST', error: 'Bad Request', message: mentions })
  }
  t.equal(app.gateway.overrides.get('chat'), undefined, 'no bad PUT changed the override')
})

t.test('good input passes, is typed, and the answer keeps fields its schema does not list', async (t) => {
  const app = await gateway()
  t.teardown(() => app.close())
  const put = await app.inject({ method: 'PUT', url: '/admin/flags/chat', payload: { canary: 25 } })
  t.equal(put.statusCode, 200)
  // `yaml`, `override`, `env` and `fallback` are not in the response schema: they must survive.
  t.match(put.json(), { feature: 'chat', after: { canary: 25, yaml: { canary: 10 }, override: { canary: 25 }, env: { name: 'USE_NEW_CHAT' } } })
  const audit = await app.inject({ method: 'GET', url: '/admin/audit?limit=5' })
  t.equal(audit.statusCode, 200, 'the query string limit is read as an integer')
  t.equal(audit.json().entries.length, 1)
  const diffs = await app.inject({ method: 'GET', url: '/admin/diffs?limit=2&offset=0&kind=status' })
  t.equal(diffs.statusCode, 200)
})
