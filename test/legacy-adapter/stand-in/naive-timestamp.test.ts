import t from 'tap'
import { naiveIsoTimestamp } from '../../../legacy-adapter/stand-in/naive-timestamp.js'

t.test('local wall time, no zone, six fraction digits', async (t) => {
  const date = new Date(2026, 10, 24, 11, 45, 40, 154)
  t.equal(naiveIsoTimestamp(date, 154_989), '2026-11-24T11:45:40.154989')
  t.match(naiveIsoTimestamp(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/)
})

t.test('zero microseconds drop the fraction, as Python isoformat does', async (t) => {
  t.equal(naiveIsoTimestamp(new Date(2026, 0, 2, 3, 4, 5, 0), 0), '2026-01-02T03:04:05')
})
