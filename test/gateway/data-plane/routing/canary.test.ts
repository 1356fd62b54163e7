import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { canaryBucket, inCanary } from '../../../../gateway/data-plane/routing/canary.js'
import { requirePython } from '../../../helpers/requirements.js'

t.test('bucket equals Python int(md5(sid).hexdigest(), 16) % 100 on 1,000 ids', async (t) => {
  if (!requirePython(t, 'hashlib')) return
  // Ids of the shapes Flask-Session issues (uuid4) plus odd ones: empty, unicode, long.
  const ids: string[] = Array.from({ length: 990 }, () => randomUUID())
  ids.push('', 'a', 'セッション', 'x'.repeat(300), '0', 'session:abc', 'ünïcødé', '\u00ff', '🙂', 'a b c')
  const python = 'import hashlib, json, sys\n' +
    'ids = json.load(sys.stdin)\n' +
    'print(json.dumps([int(hashlib.md5(s.encode("utf-8")).hexdigest(), 16) % 100 for s in ids]))'
  const expected = JSON.parse(execFileSync('python3', ['-c', python], { input: JSON.stringify(ids) }).toString()) as number[]
  t.equal(expected.length, 1000)
  const mismatches = ids.filter((id, i) => canaryBucket(id) !== expected[i])
  t.same(mismatches, [], 'every bucket matches Python')
})

t.test('a 10% canary sends 10% +-1 of 10,000 random sessions to new', async (t) => {
  let inside = 0
  for (let i = 0; i < 10_000; i++) if (inCanary(canaryBucket(randomUUID()), 10)) inside++
  t.ok(inside >= 900 && inside <= 1100, `${inside} of 10,000 in the canary`)
})

t.test('the same id always lands on the same side', async (t) => {
  for (let i = 0; i < 100; i++) {
    const id = randomUUID()
    const first = canaryBucket(id)
    for (let j = 0; j < 5; j++) t.equal(canaryBucket(id), first)
  }
  t.equal(inCanary(0, 0), false, '0% serves nobody')
  t.equal(inCanary(99, 100), true, '100% serves everybody')
})
