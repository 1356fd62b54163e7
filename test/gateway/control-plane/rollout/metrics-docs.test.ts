import { readFile } from 'node:fs/promises'
import { Registry } from 'prom-client'
import t from 'tap'
import { createRolloutMetrics } from '../../../../gateway/control-plane/rollout/rollout-metrics.js'

t.test('docs/metrics.md lists every rollout metric with its type and labels', async (t) => {
  const registry = new Registry()
  createRolloutMetrics(registry)
  const doc = await readFile(new URL('../../../../docs/metrics.md', import.meta.url), 'utf8')
  const metrics = await registry.getMetricsAsJSON()
  t.equal(metrics.length, 7)
  for (const metric of metrics) {
    const row = new RegExp(`^\\| \`${metric.name}\` \\| ${metric.type} \\|([^|]*)\\|`, 'm').exec(doc)
    t.ok(row, `${metric.name} has a row`)
    const labels = ((metric as unknown as { labelNames?: string[] }).labelNames ?? []).join(', ')
    if (row !== null && labels !== '') t.equal(row[1].trim(), labels, `${metric.name} labels`)
  }
})
