import { readFileSync } from 'node:fs'
import t from 'tap'
import { createMetrics } from '../../../../gateway/data-plane/metrics/create-metrics.js'
import { createRolloutMetrics } from '../../../../gateway/control-plane/rollout/rollout-metrics.js'
import { createAlertMetrics } from '../../../../gateway/control-plane/alerts/alert-metrics.js'

t.test('deploy/grafana-dashboard.json queries only metrics the gateway exports, and every one of them', async (t) => {
  const dashboard = JSON.parse(readFileSync(new URL('../../../../deploy/grafana-dashboard.json', import.meta.url), 'utf8'))
  const { registry } = createMetrics({ defaultMetrics: false })
  createRolloutMetrics(registry) // the control plane's rollout plugin adds these
  createAlertMetrics(registry) // and its alerts plugin these
  const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name))
  const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((x) => x.expr))
  t.ok(exprs.length >= 10)
  const used = new Set(exprs.flatMap((e) => e.match(/\bapp_[a-z_]+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, '')))
  for (const name of used) t.ok(exported.has(name), `${name} is exported`)
  for (const name of exported) t.ok(used.has(name), `${name} has a panel`)
  t.notOk(JSON.stringify(dashboard).includes('http'), 'no machine address baked in')
})
