import t from 'tap'
import { parseIgnorePath, removeIgnoredPaths } from '../../../../gateway/analysis/diff/ignore-paths.js'

const strip = (value: unknown, ...paths: string[]): unknown => removeIgnoredPaths(value, paths.map(parseIgnorePath))

t.test('parsing: dots, [] items, wildcards', async (t) => {
  t.same(parseIgnorePath('history[].timestamp'), ['history', '[]', 'timestamp'])
  t.same(parseIgnorePath('[].id'), ['[]', 'id'])
  t.same(parseIgnorePath('a[][].b'), ['a', '[]', '[]', 'b'])
  t.same(parseIgnorePath('*.session_id'), ['*', 'session_id'])
})

t.test('a plain key is top level only', async (t) => {
  t.same(strip({ timestamp: 1, a: { timestamp: 2 } }, 'timestamp'), { a: { timestamp: 2 } })
})

t.test('[] reaches every array item, and only array items', async (t) => {
  const value = { history: [{ ai: 'x', timestamp: 1 }, { ai: 'y', timestamp: 2 }], map: { 0: { timestamp: 3 } } }
  t.same(strip(value, 'history[].timestamp', 'map[].timestamp'), {
    history: [{ ai: 'x' }, { ai: 'y' }], map: { 0: { timestamp: 3 } }
  })
})

t.test('* is any one key or index; ** is any depth', async (t) => {
  t.same(strip({ a: { session_id: 1, k: 1 }, b: [{ session_id: 2 }], session_id: 3 }, '*.session_id'),
    { a: { k: 1 }, b: [{ session_id: 2 }], session_id: 3 })
  t.same(strip({ t: 1, a: { b: [{ t: 2, u: 1 }] } }, '**.t'), { a: { b: [{ u: 1 }] } })
})

t.test('a literal segment matches an array index; the input is not modified', async (t) => {
  const value = { items: [{ id: 1 }, { id: 2 }] }
  t.same(strip(value, 'items.0.id'), { items: [{}, { id: 2 }] })
  t.same(value, { items: [{ id: 1 }, { id: 2 }] })
})
