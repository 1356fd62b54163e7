import t from 'tap'
import { createActiveSessions } from '../../../../gateway/data-plane/metrics/active-sessions.js'

t.test('counts distinct sessions in the window, forgets older ones, stays bounded', async (t) => {
  const sessions = createActiveSessions(5, 3)
  const minute = 60_000
  const start = 1000 * minute
  sessions.see('a', start)
  sessions.see('b', start)
  sessions.see('a', start + minute)
  sessions.see('c', start + 2 * minute)
  t.equal(sessions.count(start + 2 * minute), 3)
  t.equal(sessions.count(start + 5 * minute), 2, 'minute 0 left the window: a (minute 1) and c remain')
  t.equal(sessions.count(start + 20 * minute), 0)
  for (const id of ['d', 'e', 'f', 'g', 'h']) sessions.see(id, start + 30 * minute)
  t.equal(sessions.count(start + 30 * minute), 3, 'each minute keeps at most maxPerMinute')
})
