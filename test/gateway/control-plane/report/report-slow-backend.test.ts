import t from 'tap'
import { driveCanary, getReport, startReportGateway } from './report-gateway.js'

t.test('new twice as slow: not_ready because of p95 latency', async (t) => {
  const gw = await startReportGateway({ delayMs: 80 }, { delayMs: 160 })
  t.teardown(gw.close)
  const served = await driveCanary(gw.url, 240)
  t.ok(served.old >= 50 && served.new >= 50, `both sides served (${served.old}/${served.new})`)

  const report = await getReport(gw.url)
  t.equal(report.recommendation.status, 'not_ready')
  t.same(report.recommendation.reasons.map((r: { code: string }) => r.code), ['latency_p95'])
  t.equal(report.recommendation.reasons[0].source, 'live')
  t.ok(report.canary.new.p95Ms > 1.2 * report.canary.old.p95Ms, `p95 old ${report.canary.old.p95Ms} new ${report.canary.new.p95Ms}`)
  t.ok(report.canary.old.p50Ms >= 75 && report.canary.new.p50Ms >= 150, `p50 at least what the backends wait (${report.canary.old.p50Ms}, ${report.canary.new.p50Ms})`)
  t.equal(report.canary.old.requests + report.canary.new.requests, 240, 'sample sizes count every request')
  t.equal(report.sampleSizes.canaryNew, served.new)
  t.equal(report.shadow.pairs, 0, 'shadow pairs reported separately: none here')
  t.equal(report.memory.old.status, 'unknown', 'memory unknown without metricsUrl')
  t.equal(report.phase.label, 'canary 50%')
})
