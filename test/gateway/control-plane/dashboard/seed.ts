/**
 * A gateway with the admin, report, rollout and dashboard plugins, seeded with shadow pairs,
 * canary traffic, diffs and rollouts: scenario's runs in dry run (so no flag moves), chat's has
 * a plan that was never started, watch has none.
 */
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import adminPlugin from '../../../../gateway/control-plane/admin/admin-plugin.js'
import { createAdminAuth } from '../../../../gateway/control-plane/admin/auth.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import auditPlugin from '../../../../gateway/control-plane/audit/audit-plugin.js'
import type { DiffRecord } from '../../../../gateway/analysis/diff-store/diff-store-types.js'
import knownDifferencesPlugin from '../../../../gateway/control-plane/report/known-differences-plugin.js'
import recorderPlugin from '../../../../gateway/control-plane/report/recorder-plugin.js'
import reportPlugin from '../../../../gateway/control-plane/report/report-plugin.js'
import rolloutPlugin from '../../../../gateway/control-plane/rollout/rollout-plugin.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { freePort } from '../../../helpers/http-server.js'

export const TOKEN = 'dashboard-test-token'
export const PIN_SECRET = 'dashboard-pin-secret'

export async function startSeededDashboard (): Promise<{ app: FastifyInstance, url: string }> {
  // The seeded figures stand in for traffic; the upstreams are never called.
  const nowhere = `http://127.0.0.1:${await freePort()}`
  const config = parseRoutesConfig(routesYaml({
    legacy: nowhere,
    new: nowhere,
    features: {
      chat: { enabled: true, canary: 25, shadow: { sample: 50 }, rollout: { steps: [25, 50, 100] } },
      // A long bake and a fast tick: the controller has had its say by the time the page loads.
      scenario: { enabled: false, shadow: { sample: 10 }, rollout: { steps: ['shadow', 10, 50, 100], bakeMs: 3_600_000, intervalMs: 50, minSamples: 50 } },
      watch: { enabled: false }
    },
    routes: [
      { path: '/api/chat', feature: 'chat' },
      { path: '/api/scenario_chat', feature: 'scenario' },
      { path: '/api/watch/*', feature: 'watch' }
    ]
  }))
  const app = await buildGateway({ config, env: { GATEWAY_PIN_SECRET: PIN_SECRET } })
  const auth = createAdminAuth({ token: TOKEN }).hook
  await app.register(knownDifferencesPlugin)
  await app.register(recorderPlugin)
  await app.register(auditPlugin)
  await app.register(reportPlugin, { thresholds: { minSamples: 50 } })
  await app.register(rolloutPlugin)
  await app.register(adminPlugin, { auth })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })

  const now = Date.now()
  const recorder = app.latencyRecorder
  for (let minute = 9; minute >= 0; minute--) {
    const at = now - minute * 60_000
    for (let i = 0; i < 30; i++) {
      recorder.recordShadowPair({
        feature: 'chat',
        legacy: { latencyMs: 40 + (i % 7), status: 200 },
        candidate: { latencyMs: 90 + (i % 11) + minute, status: 200 },
        different: i % 8 === 0
      }, at)
      recorder.recordShadowPair({
        feature: 'scenario',
        legacy: { latencyMs: 60 + (i % 5), status: 200 },
        candidate: { latencyMs: 58 + (i % 5), status: 200 },
        different: false
      }, at)
      recorder.recordLive('chat', i % 4 === 0 ? 'new' : 'old', { latencyMs: 45 + (i % 9), status: 200 }, at)
    }
  }
  await app.gateway.diffStore.record(diffRecord(now))
  await startDryRun(url, 'scenario')
  return { app, url }
}

/** Starts the feature's rollout in dry run and waits for the controller's first evaluation. */
async function startDryRun (url: string, feature: string): Promise<void> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  const started = await request(`${url}/admin/rollouts/${feature}/start`, { method: 'POST', headers, body: JSON.stringify({ dryRun: true }) })
  if (started.statusCode !== 200) throw new Error(`rollout start answered ${started.statusCode}: ${await started.body.text()}`)
  await started.body.dump()
  const deadline = Date.now() + 5_000
  for (;;) {
    const view = await (await request(`${url}/admin/rollouts/${feature}`, { headers })).body.json() as { last: unknown }
    if (view.last !== null) return
    if (Date.now() > deadline) throw new Error(`the rollout controller never evaluated ${feature}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function diffRecord (now: number): DiffRecord {
  return {
    id: 'seeded-diff-1',
    time: new Date(now - 30_000).toISOString(),
    feature: 'chat',
    route: '/api/chat',
    method: 'POST',
    path: '/api/chat',
    sessionHash: 'f3a9c2',
    legacy: { status: 200, latencyMs: 41 },
    candidate: { status: 200, latencyMs: 97 },
    verdict: 'different',
    differences: [
      { kind: 'changed', path: 'response', legacy: 'Good morning! How can I help?', candidate: 'Good morning. How can I help you today?' },
      { kind: 'missing', path: 'model_used', legacy: 'gemini/gemini-1.5-flash' }
    ],
    differenceCount: 2,
    fields: ['response', 'model_used'],
    noiseDropped: 0
  }
}
