import t from 'tap'
import { driveCanary, getReport, startReportGateway } from './report-gateway.js'

const MIB = 1024 * 1024

t.test('equal backends with enough samples: ready', async (t) => {
  const gw = await startReportGateway({ delayMs: 5, memoryBytes: 200 * MIB }, { delayMs: 5, memoryBytes: 210 * MIB })
  t.teardown(gw.close)
  await driveCanary(gw.url, 240)

  const report = await getReport(gw.url)
  t.equal(report.recommendation.status, 'ready', JSON.stringify(report.recommendation))
  t.same(report.recommendation.reasons, [])
  t.ok(report.sampleSizes.canaryOld >= 50 && report.sampleSizes.canaryNew >= 50)
  t.equal(report.canary.new.errorRate, 0)
})

t.test('too few samples: insufficient_data', async (t) => {
  const gw = await startReportGateway({ delayMs: 5 }, { delayMs: 5 })
  t.teardown(gw.close)
  await driveCanary(gw.url, 10)

  const report = await getReport(gw.url)
  t.equal(report.recommendation.status, 'insufficient_data')
  t.equal(report.recommendation.reasons[0].code, 'insufficient_samples')
  t.equal(report.sampleSizes.canaryOld + report.sampleSizes.canaryNew, 10)
})

t.test('bad window and unknown feature are refused', async (t) => {
  const gw = await startReportGateway({}, {})
  t.teardown(gw.close)
  const { request } = await import('undici')
  const bad = await request(`${gw.url}/admin/report/chat?window=forever`)
  t.equal(bad.statusCode, 400)
  t.equal((await bad.body.json() as { code: string }).code, 'GW_ERR_ADMIN_BAD_REQUEST')
  const unknown = await request(`${gw.url}/admin/report/nope`)
  t.equal(unknown.statusCode, 404)
  await unknown.body.dump()
})
