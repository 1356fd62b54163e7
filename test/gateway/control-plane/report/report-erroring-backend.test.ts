import t from 'tap'
import { driveCanary, getReport, startReportGateway } from './report-gateway.js'

t.test('new failing 5% of its calls: not_ready because of the error rate, even when fallback hides it', async (t) => {
  const gw = await startReportGateway({ delayMs: 5 }, { delayMs: 5, failEvery: 20 })
  t.teardown(gw.close)
  await driveCanary(gw.url, 240)

  const report = await getReport(gw.url)
  t.equal(report.recommendation.status, 'not_ready')
  t.same(report.recommendation.reasons.map((r: { code: string }) => r.code), ['error_rate'])
  t.equal(report.canary.old.errorRate, 0)
  const rate = report.canary.new.errorRate
  t.ok(rate > 0.03 && rate < 0.07, `new error rate about 5% (${rate})`)
  t.equal(report.canary.new.errors, Math.floor(report.canary.new.requests / 20), 'every 20th call of new failed')
})
