/**
 * close() releases what the app opened. If the Redis client of the redis session mode stayed
 * open, this test file's process would never exit and tap would fail it on its timeout.
 */
import t from 'tap'
import { buildNewServices } from '../../new-services/app.js'
import { REDIS_URL, requireRedis } from '../helpers/requirements.js'
import { FIXTURE_SCENARIOS_DIR } from './helpers/build-test-app.js'

t.test('redis session mode: answers /api/session/health from a live PING, then closes its client', async (t) => {
  if (!await requireRedis(t)) return
  const app = await buildNewServices({ session: { mode: 'redis', redisUrl: REDIS_URL, secretKey: 'x'.repeat(32) }, scenariosDir: FIXTURE_SCENARIOS_DIR, env: {} })
  const res = await app.inject('/api/session/health')
  t.match(res.json(), { status: 'healthy', session_store: 'redis', details: { redis_connected: true } })
  const health = await app.inject('/health')
  t.equal(health.headers['set-cookie'], undefined, 'redis mode: no cookie for an untouched session')
  await app.close()
})

t.test('memory mode closes without anything left behind', async (t) => {
  const app = await buildNewServices({ scenariosDir: FIXTURE_SCENARIOS_DIR, env: {} })
  await app.inject('/api/csrf-token')
  await app.close()
  t.pass('closed')
})
