import t from 'tap'
import { request } from 'undici'
import { createAdminAuth } from '../../../../gateway/control-plane/admin/auth.js'
import { featureProgress } from '../../../../gateway/control-plane/report/migration.js'
import { driveCanary, startReportGateway } from './report-gateway.js'

t.test('progress weighs shadow, canary steps and new', async (t) => {
  t.equal(featureProgress({ stage: 'legacy', canary: 0 }), 0)
  t.equal(featureProgress({ stage: 'shadow', canary: 0 }), 10)
  t.equal(featureProgress({ stage: 'canary', canary: 50 }), 55)
  t.equal(featureProgress({ stage: 'new', canary: 100 }), 100)
  t.equal(featureProgress({ stage: 'live', canary: 100 }), 100, 'live: new serves everyone')
  t.equal(featureProgress({ stage: 'complete', canary: 100 }), 100)
})

t.test('GET /admin/migration: each feature phase and verdict, overall progress, behind admin auth', async (t) => {
  const auth = createAdminAuth({ token: 'migration-token' }).hook
  const gw = await startReportGateway({}, {}, { auth })
  t.teardown(gw.close)
  await driveCanary(gw.url, 12)
  const headers = { authorization: 'Bearer migration-token' }

  const refused = await request(`${gw.url}/admin/migration`)
  t.equal(refused.statusCode, 401, 'no token: refused')
  await refused.body.dump()
  const refusedReport = await request(`${gw.url}/admin/report/chat`)
  t.equal(refusedReport.statusCode, 401)
  await refusedReport.body.dump()

  const res = await request(`${gw.url}/admin/migration?window=5m`, { headers })
  t.equal(res.statusCode, 200)
  const body = await res.body.json() as any
  t.equal(body.window, '5m')
  t.match(body.features.chat, { stage: 'canary', canary: 50, label: 'canary 50%', verdict: 'insufficient_data', progressPercent: 55 })
  t.match(body.features.watch, { stage: 'shadow', label: 'shadow 10%', verdict: 'insufficient_data', progressPercent: 10 })
  t.same(body.progress, { percent: 33, stages: { legacy: 0, shadow: 1, canary: 1, live: 0, new: 0, complete: 0 }, features: 2 })

  await gw.app.gateway.overrides.set('chat', { enabled: true, canary: 100 })
  await gw.app.gateway.overrides.set('watch', { enabled: false })
  const after = await (await request(`${gw.url}/admin/migration`, { headers })).body.json() as any
  t.equal(after.features.chat.label, 'new')
  t.equal(after.progress.percent, 55)
})
