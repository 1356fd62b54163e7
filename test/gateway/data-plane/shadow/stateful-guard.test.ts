import t from 'tap'
import { createStatefulGuard } from '../../../../gateway/data-plane/shadow/stateful-guard.js'

t.test('a lone request is consistent; one in flight at the stamp or arriving later is not', async (t) => {
  const guard = createStatefulGuard()
  const leave = guard.enter('s')
  const alone = guard.stamp('s')
  t.ok(guard.consistent(alone))
  guard.release(alone)

  const other = guard.enter('s')
  const overlapped = guard.stamp('s')
  t.notOk(guard.consistent(overlapped), 'another request was in flight at the stamp')
  guard.release(overlapped)
  other()

  const later = guard.stamp('s')
  guard.enter('s')()
  t.notOk(guard.consistent(later), 'a request that came and went after the stamp still counts')
  guard.release(later)
  guard.enter('t')()
  leave()
  t.equal(guard.sessions, 0, 'nothing is kept once requests and stamps are over')
})
