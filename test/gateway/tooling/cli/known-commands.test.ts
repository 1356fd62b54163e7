import t from 'tap'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import auditPlugin from '../../../../gateway/control-plane/audit/audit-plugin.js'
import knownDifferencesPlugin from '../../../../gateway/control-plane/report/known-differences-plugin.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { runCli } from '../../../helpers/run-cli.js'

const TOKEN = 'known-cli-token'

t.test('known list, accept and remove against a running gateway', async (t) => {
  const config = parseRoutesConfig(routesYaml({
    legacy: 'http://127.0.0.1:1',
    new: 'http://127.0.0.1:2',
    features: { scenario: { compare: { known: [{ route: '/api/models', path: 'models.**', kinds: ['changed'], reason: 'a fixed list on new' }] } } },
    routes: [{ path: '/api/categorized_scenarios', feature: 'scenario' }, { path: '/api/models', feature: 'scenario' }]
  }))
  const app = await buildGateway({ env: {}, config })
  t.teardown(() => app.close())
  await app.register(auditPlugin)
  await app.register(knownDifferencesPlugin)
  await app.register(adminPlugin, { token: TOKEN })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const run = async (...argv: string[]) => await runCli(argv, { GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: TOKEN })

  const accepted = await run('known', 'accept', 'scenario', '/api/categorized_scenarios', 'regular_communication[]', 'changed', '--reason', 'ordering only', '--ttl', '30d')
  t.equal(accepted.code, 0, accepted.err)
  const id = accepted.out.trim()
  t.match(id, /^[0-9a-f]{12}$/, 'the id alone on stdout')
  t.match(accepted.err, /accepted as known: scenario \/api\/categorized_scenarios regular_communication\[\] \(changed\), until 20/)

  const table = await run('known', 'list')
  t.equal(table.code, 0)
  t.match(table.out, /ID\s+FEATURE\s+ROUTE\s+PATH\s+KIND\s+SOURCE\s+EXPIRES\s+REASON/)
  t.match(table.out, /scenario\s+\/api\/models\s+models\.\*\*\s+changed\s+routes\.yaml\s+never\s+a fixed list on new/)
  t.match(table.out, new RegExp(`${id}\\s+scenario\\s+/api/categorized_scenarios\\s+regular_communication\\[\\]\\s+changed\\s+admin`))
  const json = JSON.parse((await run('known', 'list', '--json', '--feature', 'scenario')).out) as { known: Array<{ source: string }> }
  t.same(json.known.map((k) => k.source), ['routes.yaml', 'admin'])
  t.equal((await run('known', 'list', '--feature', 'chat')).out, 'no known differences\n', 'filtered by feature')

  const declared = json.known[0] as unknown as { id: string }
  const refused = await run('known', 'remove', declared.id)
  t.equal(refused.code, 1, 'a declared one is not removed through the API')
  t.match(refused.err, /declared in routes\.yaml/)

  const removed = await run('known', 'remove', id)
  t.equal(removed.code, 0)
  t.equal(removed.out, `removed ${id}\n`)
  t.equal((await run('known', 'remove', id)).code, 1, 'gone: 404, exit 1')

  const audit = await (await fetch(`${url}/admin/audit?limit=10`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { entries: Array<{ action: string }> }
  t.same(audit.entries.map((e) => e.action).slice(0, 2), ['diff.known.remove', 'diff.known.add'], 'both audited')

  t.equal((await run('known', 'accept', 'scenario', '/api/models', 'x', 'changed')).code, 2, 'no --reason: usage')
  t.equal((await run('known', 'remove')).code, 2, 'no id: usage')
  t.equal((await run('known', 'list', 'extra')).code, 2)
  t.equal((await run('known')).code, 2)
  t.equal((await run('known', 'accept', 'scenario', '/api/models', 'x', 'sideways', '--reason', 'bad kind')).code, 1, 'the gateway refuses an unknown kind')
})
