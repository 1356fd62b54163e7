import t from 'tap'
import { driveCanary, getReport, startReportGateway } from './report-gateway.js'

const MIB = 1024 * 1024

t.test('new using 1.5x the memory: not_ready because of memory, read from its /metrics', async (t) => {
  const gw = await startReportGateway({ delayMs: 5, memoryBytes: 200 * MIB }, { delayMs: 5, memoryBytes: 300 * MIB })
  t.teardown(gw.close)
  await driveCanary(gw.url, 240)

  const report = await getReport(gw.url)
  t.same(report.memory.old, { status: 'known', bytes: 200 * MIB, metric: 'process_resident_memory_bytes' })
  t.equal(report.memory.new.bytes, 300 * MIB)
  t.equal(report.recommendation.status, 'not_ready')
  t.same(report.recommendation.reasons.map((r: { code: string }) => r.code), ['memory'])
  t.match(report.recommendation.reasons[0].message, /300 MiB, more than 1\.2 x old 200 MiB/)
})
