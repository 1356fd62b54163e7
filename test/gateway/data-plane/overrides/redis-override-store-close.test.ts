// A file of its own: counting the process's open handles needs no other test running beside it.
import pino from 'pino'
import t from 'tap'
import { createRedisOverrideStore } from '../../../../gateway/data-plane/overrides/redis-override-store.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'

t.test('close() leaves no open sockets or timers behind', async (t) => {
  if (!await requireRedis(t)) return
  const count = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'Timeout').length
  await new Promise((resolve) => setTimeout(resolve, 50)) // requireRedis's probe socket closes
  const before = count()
  const store = createRedisOverrideStore({ target: REDIS_URL, keyPrefix: uniquePrefix('overrides-close'), log: pino({ level: 'silent' }) })
  await store.ready()
  t.ok(count() >= before + 2, 'two connections while it runs')
  await store.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(count(), before)
})
