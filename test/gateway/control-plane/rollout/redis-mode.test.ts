/**
 * One gateway with REDIS_URL: the rollout's state, lock and audit entries are in Redis under the
 * gateway's prefix, and closing the gateway frees the lock for the other replicas at once.
 */
import t from 'tap'
import { REDIS_URL } from '../../../helpers/requirements.js'
import { redisFor } from './redis-fixture.js'
import { admin, startRolloutGateway, testPlan, waitFor } from './rollout-harness.js'

t.test('state, lock and audit in Redis; close releases the lock', async (t) => {
  const setup = await redisFor(t, 'rollout-redis-mode')
  if (setup === undefined) return
  const { redis, prefix } = setup
  const feature = `redismode_${process.pid}_${Math.random().toString(36).slice(2, 6)}`
  const gw = await startRolloutGateway(testPlan({ steps: [10, 100], bakeMs: 60_000 }), feature, { url: REDIS_URL, keyPrefix: prefix })
  let closed = false
  t.teardown(async () => { if (!closed) await gw.close() })

  t.equal((await admin(gw.url, 'POST', `/admin/rollouts/${feature}/start`)).status, 200)
  const view = await waitFor('the step applied', async () => {
    const { body } = await admin(gw.url, 'GET', `/admin/rollouts/${feature}`)
    return body.applied === true ? body : undefined
  })
  t.match(view.controller, { store: 'redis', leader: true })
  t.equal(await redis.get(`${prefix}rollout:lock`), view.controller.replicaId, 'the lock holds this replica\'s id')
  t.match(JSON.parse(await redis.get(`${prefix}rollout:${feature}`) ?? 'null'), { status: 'running', stepIndex: 0, applied: true })
  t.match(JSON.parse(await redis.lindex(`${prefix}audit`, -1) ?? 'null'), { action: 'rollout.start', feature }, 'the audit entry in the shared list')
  t.match(JSON.parse(await redis.hget(`${prefix}overrides`, feature) ?? 'null'), { enabled: true, canary: 10 }, 'the override in the shared hash')

  await gw.close()
  closed = true
  t.equal(await redis.get(`${prefix}rollout:lock`), null, 'closing released the lock')
  t.match(JSON.parse(await redis.get(`${prefix}rollout:${feature}`) ?? 'null'), { status: 'running' }, 'the state stays for the next replica')
})
