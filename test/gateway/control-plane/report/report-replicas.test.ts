import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { Redis } from 'ioredis'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { canaryBackends, driveCanary, TEST_THRESHOLDS } from './report-gateway.js'

t.test('two gateway replicas sharing Redis report the traffic of both', async (t) => {
  if (!await requireRedis(t)) return
  const redis = new Redis(REDIS_URL)
  const keyPrefix = uniquePrefix('report-replicas')
  t.teardown(async () => {
    const keys = await redis.keys(`${keyPrefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  const config = await canaryBackends(t, { delayMs: 5 }, { delayMs: 5 })

  const replicas: Array<{ app: FastifyInstance, url: string }> = []
  for (let i = 0; i < 2; i++) {
    const app = await buildGateway({ config, env: {} })
    await app.register(recorderPlugin, { redis, keyPrefix })
    await app.register(reportPlugin, { thresholds: TEST_THRESHOLDS })
    await app.register(adminPlugin)
    replicas.push({ app, url: await app.listen({ port: 0, host: '127.0.0.1' }) })
  }
  // Closing a replica flushes its pending counts; closing both before Redis goes is the order.
  t.teardown(async () => { for (const { app } of replicas) await app.close() })

  const first = await driveCanary(replicas[0].url, 40)
  const second = await driveCanary(replicas[1].url, 60)
  // Replica two's counts reach Redis when it flushes (every second, and on every read it serves).
  await (await request(`${replicas[1].url}/admin/report/chat`)).body.dump()

  const report = await (await request(`${replicas[0].url}/admin/report/chat`)).body.json() as any
  t.equal(report.canary.old.requests, first.old + second.old, 'old side: both replicas')
  t.equal(report.canary.new.requests, first.new + second.new, 'new side: both replicas')
  t.equal(report.sampleSizes.canaryOld + report.sampleSizes.canaryNew, 100)
})
