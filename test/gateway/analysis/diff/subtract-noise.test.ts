import t from 'tap'
import { subtractNoise } from '../../../../gateway/analysis/diff/subtract-noise.js'
import type { Difference } from '../../../../gateway/analysis/diff/diff-types.js'

const found: Difference[] = [
  { kind: 'changed', path: 'timestamp', legacy: 1, candidate: 2 },
  { kind: 'changed', path: 'history.0.timestamp', legacy: 1, candidate: 2 },
  { kind: 'changed', path: 'response', legacy: 'a', candidate: 'b' },
  { kind: 'status', path: 'status', legacy: 200, candidate: 500 }
]

t.test('differences legacy has with itself are dropped, at or below their path', async (t) => {
  const noise: Difference[] = [{ kind: 'changed', path: 'timestamp' }, { kind: 'changed', path: 'history' }]
  const { kept, dropped } = subtractNoise(found, noise)
  t.same(kept.map((d) => d.path), ['response', 'status'])
  t.equal(dropped, 2)
})

t.test('no noise keeps everything; a body key called status is not the status line', async (t) => {
  t.same(subtractNoise(found, []).kept, found)
  const { kept } = subtractNoise(found, [{ kind: 'changed', path: 'status' }])
  t.equal(kept.length, 4)
})

t.test('a whole-body noise difference drops body differences, not status or headers', async (t) => {
  const { kept } = subtractNoise(found, [{ kind: 'changed', path: '$' }])
  t.same(kept.map((d) => d.path), ['status'])
})
