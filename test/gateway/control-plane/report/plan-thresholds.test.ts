import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { freePort } from '../../../helpers/http-server.js'

t.test('a feature with a rollout plan is judged by the plan\'s thresholds in the report too', async (t) => {
  const nowhere = `http://127.0.0.1:${await freePort()}`
  const config = parseRoutesConfig(routesYaml({
    legacy: nowhere,
    new: nowhere,
    features: {
      // No slower at all, on 20 pairs a side: what the rollout controller will judge it by.
      strict: { enabled: false, shadow: { sample: 10 }, rollout: { steps: ['shadow', 10], minSamples: 20, thresholds: { maxP95Ratio: 1, latencyToleranceMs: 0 } } },
      plain: { enabled: false, shadow: { sample: 10 } }
    },
    routes: [{ path: '/strict', feature: 'strict' }, { path: '/plain', feature: 'plain' }]
  }))
  const app = await buildGateway({ config, env: {} })
  t.teardown(() => app.close())
  await app.register(recorderPlugin)
  await app.register(reportPlugin)
  await app.register(adminPlugin)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })

  // The same traffic for both: new 6% slower than old on 150 shadow pairs.
  const now = Date.now()
  for (const feature of ['strict', 'plain']) {
    for (let i = 0; i < 150; i++) {
      app.latencyRecorder.recordShadowPair({ feature, legacy: { latencyMs: 100, status: 200 }, candidate: { latencyMs: 106, status: 200 }, different: false }, now - (i % 5) * 60_000)
    }
  }
  const report = async (feature: string): Promise<any> => await (await request(`${url}/admin/report/${feature}`)).body.json()

  const plain = await report('plain')
  t.equal(plain.recommendation.status, 'ready', 'the report\'s own thresholds: within 1.1x')
  t.match(plain.thresholds, { maxP95Ratio: 1.1, minSamples: 100 })

  const strict = await report('strict')
  t.equal(strict.recommendation.status, 'not_ready', 'the plan\'s: any slower is too slow')
  t.match(strict.recommendation.reasons, [{ code: 'latency_p95' }])
  t.match(strict.thresholds, { maxP95Ratio: 1, latencyToleranceMs: 0, minSamples: 20 })
  t.equal(strict.sampleSizes.minimum, 20)
})
