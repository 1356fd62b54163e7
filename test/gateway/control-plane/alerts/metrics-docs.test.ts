import { readFile } from 'node:fs/promises'
import { Registry } from 'prom-client'
import t from 'tap'
import { ALERT_DROP_REASONS, createAlertMetrics } from '../../../../gateway/control-plane/alerts/alert-metrics.js'

t.test('docs/metrics.md lists every alert metric with its type and labels, and every drop reason', async (t) => {
  const registry = new Registry()
  createAlertMetrics(registry)
  const doc = await readFile(new URL('../../../../docs/metrics.md', import.meta.url), 'utf8')
  const metrics = await registry.getMetricsAsJSON()
  t.equal(metrics.length, 4)
  for (const metric of metrics) {
    const row = new RegExp(`^\\| \`${metric.name}\` \\| ${metric.type} \\|([^|]*)\\|(.*)$`, 'm').exec(doc)
    t.ok(row, `${metric.name} has a row`)
    const labels = ((registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] }).labelNames).join(', ')
    if (row !== null) t.equal(row[1].trim(), labels, `${metric.name} labels`)
    if (row !== null && metric.name === 'app_alerts_dropped_total') {
      for (const reason of ALERT_DROP_REASONS) t.match(row[2], `\`${reason}\``, `the ${reason} reason is documented`)
    }
  }
})
