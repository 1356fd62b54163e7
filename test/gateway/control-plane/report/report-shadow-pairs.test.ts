import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startBackend, TEST_THRESHOLDS } from './report-gateway.js'

t.test('shadow pairs from the real shadow runner feed the report, apart from canary traffic', async (t) => {
  const legacy = await startBackend({ delayMs: 40 })
  t.teardown(legacy.close)
  const candidate = await startBackend({ delayMs: 160 })
  t.teardown(candidate.close)
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: false, shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }))
  const app = await buildGateway({ config, env: {} })
  await app.register(recorderPlugin)
  await app.register(reportPlugin, { thresholds: TEST_THRESHOLDS })
  await app.register(adminPlugin)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())

  for (let i = 0; i < 60; i++) {
    const res = await request(`${url}/api/chat`, { headers: { cookie: `session=shadow-${i}` } })
    await res.body.dump()
  }
  await app.gateway.shadow.idle()

  const report = await (await request(`${url}/admin/report/chat`)).body.json() as any
  t.equal(report.phase.label, 'shadow 100%')
  t.equal(report.shadow.pairs, 60, 'every mirrored request became a pair')
  t.equal(report.shadow.different, 0, 'same bodies: no differences')
  t.equal(report.canary.new.requests, 0, 'no canary traffic: the flag is off')
  t.equal(report.canary.old.requests, 60, 'legacy served all live traffic')
  t.ok(report.shadow.new.p50Ms >= 75, `new's shadow latency is its own (${report.shadow.new.p50Ms} ms)`)

  // The shadow runner times legacy's side from the request's start to the moment both answers are
  // in, so legacy's shadow latency reads as max(legacy, new) and a slower new never shows. Fixed
  // in gateway/shadow/shadow-runner.ts (timing legacy when its capture completes), these pass.
  t.ok(report.shadow.old.p50Ms < 75, `legacy's shadow latency is its own (${report.shadow.old.p50Ms} ms)`)
  t.same(report.recommendation.reasons.map((r: { code: string, source: string }) => `${r.code}:${r.source}`), ['latency_p95:shadow'])
})
