import t from 'tap'
import { declaredKnownDifferences, withDeclared } from '../../../../gateway/analysis/known-differences/declared-known.js'
import { createMemoryKnownDifferences } from '../../../../gateway/analysis/known-differences/known-difference-stores.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { routesYaml } from '../../../helpers/gateway.js'

const configWith = (known: unknown[], routes = [{ path: '/api/models', feature: 'session' }]) => parseRoutesConfig(routesYaml({
  legacy: 'http://127.0.0.1:1',
  new: 'http://127.0.0.1:2',
  features: { session: { compare: { mode: 'exact', known } } },
  routes
}))

t.test('each declared kind is one entry, with an id made from its signature', async (t) => {
  const known = [{ route: '/api/models', path: 'models.**', kinds: ['changed', 'array'], reason: 'a fixed list on new' }]
  const entries = declaredKnownDifferences(configWith(known).features)
  t.match(entries, [
    { feature: 'session', route: '/api/models', path: 'models.**', kind: 'changed', source: 'routes.yaml', acceptedAt: null, expiresAt: null },
    { kind: 'array', source: 'routes.yaml' }
  ])
  t.match(entries[0].id, /^[0-9a-f]{12}$/)
  t.not(entries[0].id, entries[1].id, 'another kind, another id')
  t.same(declaredKnownDifferences(configWith(known).features).map((e) => e.id), entries.map((e) => e.id), 'the same on every replica and reload')
})

t.test('declared entries come first, match like accepted ones, and follow a reload', async (t) => {
  let features = configWith([{ route: '/api/models', path: 'models.**', kinds: ['changed'], reason: 'a fixed list on new' }]).features
  const store = createMemoryKnownDifferences()
  const known = withDeclared(store, () => features)
  const accepted = await known.add({ feature: 'session', route: '/api/models', path: 'message', kind: 'missing', reason: 'accepted by hand', expiresAt: null, acceptedBy: null })
  t.equal(accepted.source, 'admin')
  t.same(known.list().map((e) => e.source), ['routes.yaml', 'admin'])
  t.equal(known.match('session', '/api/models', { kind: 'changed', path: 'models.1.name' })?.source, 'routes.yaml')
  t.equal(known.match('session', '/api/models', { kind: 'missing', path: 'message' })?.id, accepted.id, 'an accepted one still matches')
  t.equal(known.match('session', '/api/models', { kind: 'extra', path: 'models.2' }), undefined, 'a kind nobody declared')

  features = configWith([]).features
  t.equal(known.match('session', '/api/models', { kind: 'changed', path: 'models.1.name' }), undefined, 'a reload without it: no longer known')
  t.same(known.list().map((e) => e.id), [accepted.id])
  t.ok(await known.remove(accepted.id))
  t.same(known.list(), [])
  await known.close()
})

t.test('a declared known difference must name a route of its feature', async (t) => {
  t.throws(() => configWith([{ route: '/api/nope', path: 'x', kinds: ['changed'], reason: 'no such route' }]),
    { code: 'GW_ERR_CONFIG_INVALID', message: /routes\.yaml:\d+:\d+ features\.session\.compare\.known\[0\]\.route: "\/api\/nope" is not a route of feature "session"/ })
  t.throws(() => configWith([{ route: '/api/models', path: 'x', kinds: [], reason: 'no kinds' }]), { code: 'GW_ERR_CONFIG_INVALID', message: /known\[0\]\.kinds/ }, 'at least one kind')
  t.throws(() => configWith([{ route: '/api/models', path: 'x', kinds: ['changed'] }]), { code: 'GW_ERR_CONFIG_INVALID', message: /reason/ }, 'a reason is required')
})
