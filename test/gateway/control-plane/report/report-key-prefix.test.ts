/**
 * Regression: the report counters ignored GATEWAY_REDIS_PREFIX and always used `sg:report:`, so
 * two gateways sharing one Redis under different prefixes (two environments, two tenants)
 * mixed each other's traffic into their verdicts.
 */
import t from 'tap'
import { Redis } from 'ioredis'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { registerControlPlane } from '../../../../gateway/control-plane/register-control-plane.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { canaryBackends, driveCanary } from './report-gateway.js'

t.test('gateways with different Redis prefixes keep separate report counters', async (t) => {
  if (!await requireRedis(t)) return
  const redis = new Redis(REDIS_URL)
  const prefixes = [uniquePrefix('report-prefix-a'), uniquePrefix('report-prefix-b')]
  t.teardown(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
    }
    redis.disconnect()
  })
  const config = await canaryBackends(t)

  const urls: string[] = []
  for (const keyPrefix of prefixes) {
    const app = await buildGateway({ config, env: {} })
    await registerControlPlane(app, { adminToken: undefined, redis: REDIS_URL, keyPrefix })
    t.teardown(async () => { await app.close() })
    urls.push(await app.listen({ port: 0, host: '127.0.0.1' }))
  }

  const sent = await driveCanary(urls[0], 40)
  const reportOf = async (url: string): Promise<any> => await (await request(`${url}/admin/report/chat`)).body.json()
  const first = await reportOf(urls[0])
  t.equal(first.canary.old.requests + first.canary.new.requests, sent.old + sent.new, 'the gateway that served counts its traffic')
  t.equal(first.canary.old.requests, sent.old)

  const second = await reportOf(urls[1])
  t.equal(second.canary.old.requests + second.canary.new.requests, 0, 'the other prefix sees none of it')
  t.ok((await redis.keys(`${prefixes[0]}report:lat:chat:*`)).length > 0, 'counters live under <prefix>report:')
})
