import t from 'tap'
import { classify, formatPath } from '../../../../gateway/analysis/diff/classify.js'
import { deepCompare } from '../../../../gateway/analysis/diff/deep-compare.js'

t.test('deepCompare always answers an array', async (t) => {
  t.same(deepCompare({ a: 1 }, { a: 1 }), [])
  t.equal(deepCompare(1, 2).length, 1)
})

t.test('numeric tolerance drops close numbers only', async (t) => {
  t.same(deepCompare({ x: 1.0 }, { x: 1.004 }, { numericTolerance: 0.01 }), [])
  t.equal(deepCompare({ x: 1.0 }, { x: 1.004 }).length, 1)
  t.equal(deepCompare({ x: 1.0 }, { x: 1.5 }, { numericTolerance: 0.01 }).length, 1)
})

t.test('paths: dotted, [] sticks to its array, root is $', async (t) => {
  t.equal(formatPath(['history', 2, 'ai']), 'history.2.ai')
  t.equal(formatPath(['history', '[]', 'ai']), 'history[].ai')
  t.equal(formatPath(undefined), '$')
  t.equal(formatPath(['x'], 'sse.terminal'), 'sse.terminal.x')
})

t.test('kinds: changed, type, missing, extra, array', async (t) => {
  const diffs = classify(deepCompare(
    { a: 1, b: 'x', gone: true, list: [1, 2, 3] },
    { a: 2, b: 3, added: null, list: [1, 2] }
  ))
  t.same(diffs.sort((x, y) => x.path.localeCompare(y.path)), [
    { kind: 'changed', path: 'a', legacy: 1, candidate: 2 },
    { kind: 'extra', path: 'added', candidate: null },
    { kind: 'type', path: 'b', legacy: 'x', candidate: 3 },
    { kind: 'missing', path: 'gone', legacy: true },
    { kind: 'array', path: 'list.2', legacy: 3, candidate: undefined }
  ])
})

t.test('shape mode reports every edit as a type difference', async (t) => {
  t.same(classify(deepCompare({ a: 'string' }, { a: 'number' }), { shape: true }),
    [{ kind: 'type', path: 'a', legacy: 'string', candidate: 'number' }])
})
