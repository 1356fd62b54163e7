/** An override read from Redis keeps only known fields with valid values: the live stage's too. */
import t from 'tap'
import { parseOverride } from '../../../../gateway/data-plane/overrides/parse-override.js'

t.test('stage: live and complete are kept, anything else is dropped', async (t) => {
  t.same(parseOverride('{"enabled":true,"canary":100,"stage":"live"}'), { enabled: true, canary: 100, stage: 'live' })
  t.same(parseOverride('{"enabled":true,"canary":100,"stage":"complete"}'), { enabled: true, canary: 100, stage: 'complete' })
  t.same(parseOverride('{"enabled":true,"canary":100,"stage":"everyone"}'), { enabled: true, canary: 100 })
  t.same(parseOverride('{"stage":1}'), {})
})
