import t from 'tap'
import { changedKeys, mergeTopLevel } from '../../../legacy-adapter/session/merge-top-level.js'

t.test('changedKeys sees additions, deep changes and removals, not equal rewrites', async (t) => {
  const base = { a: [1, { b: 2 }], same: { x: 1 }, gone: 1 }
  const ours = { a: [1, { b: 3 }], same: { x: 1 }, added: true }
  t.strictSame(changedKeys(base, ours).sort(), ['a', 'added', 'gone'])
  t.strictSame(changedKeys(base, { ...base, gone: undefined }), ['gone'], 'undefined means removed')
})

t.test('mergeTopLevel keeps their untouched keys and applies ours', async (t) => {
  const base = { history: ['h1'], token: 't', counter: 1 }
  const ours = { history: ['h1', 'ours'], counter: 1 }
  const theirs = { history: ['h1'], token: 't2', counter: 2, flask_only: '日本' }
  t.strictSame(mergeTopLevel(base, ours, theirs), { history: ['h1', 'ours'], counter: 2, flask_only: '日本' })
  t.strictSame(mergeTopLevel({}, {}, theirs), theirs, 'no change of ours: theirs as is')
})

t.test('a "__proto__" key merges as data', async (t) => {
  const ours = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>
  const merged = mergeTopLevel({}, ours, {})
  t.ok(Object.prototype.hasOwnProperty.call(merged, '__proto__'))
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})
