import t from 'tap'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { compileRouteTable } from '../../../../gateway/data-plane/routing/route-table.js'
import { routesYaml } from '../../../helpers/gateway.js'

const config = parseRoutesConfig(routesYaml({
  legacy: 'http://127.0.0.1:1',
  new: 'http://127.0.0.1:2',
  features: { a: {}, b: {}, c: {} },
  routes: [
    { path: '/api/watch/special', methods: ['GET'], feature: 'a' },
    { path: '/api/watch/*', feature: 'b' },
    { path: '/api/watch/special', feature: 'c' },
    { path: '/api/scenario/:id/category', methods: ['GET'], feature: 'a' },
    { path: '/api/chat', methods: ['POST'], feature: 'c' }
  ]
}))
const table = compileRouteTable(config)
const hit = (method: string, path: string): string | undefined => table.match(method, path)?.template + ' ' + table.match(method, path)?.feature

t.test('first route in file order wins', async (t) => {
  t.equal(hit('GET', '/api/watch/special'), '/api/watch/special a')
  t.equal(hit('POST', '/api/watch/special'), '/api/watch/* b', 'a wildcard listed earlier beats a later exact path')
  t.equal(hit('POST', '/api/watch/next'), '/api/watch/* b')
  t.equal(hit('GET', '/api/watch'), '/api/watch/* b', 'the wildcard covers the bare prefix')
})

t.test('methods and parameters', async (t) => {
  t.equal(hit('GET', '/api/scenario/scenario1/category'), '/api/scenario/:id/category a')
  t.equal(hit('HEAD', '/api/scenario/scenario1/category'), '/api/scenario/:id/category a', 'HEAD follows GET')
  t.equal(table.match('GET', '/api/scenario/x/y/category'), undefined, 'a parameter is one segment')
  t.equal(table.match('GET', '/api/chat'), undefined, 'method not listed: no match')
  t.equal(hit('POST', '/api/chat/'), '/api/chat c', 'a trailing slash matches')
  t.equal(table.match('POST', '/api/chatter'), undefined, 'no prefix matching of exact paths')
  t.equal(table.match('GET', '/api/watcher'), undefined, 'the wildcard needs a segment boundary')
})
