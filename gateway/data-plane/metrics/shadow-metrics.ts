/** Feeds the shadow runner's events into the gateway's metrics. */
import type { GatewayMetrics } from './create-metrics.js'
import type { ShadowRunner } from '../shadow/shadow-runner.js'

export function connectShadowMetrics (shadow: ShadowRunner, metrics: GatewayMetrics): void {
  shadow.events.onSent.push((feature) => metrics.shadow.sent.inc({ feature }))
  shadow.events.onDropped.push((feature, reason) => metrics.shadow.dropped.inc({ feature, reason }))
  shadow.events.onTimedOut.push((feature) => metrics.shadow.timedOut.inc({ feature }))
  shadow.events.onCompared.push(({ feature, result }) => {
    metrics.comparisons.inc({ feature, verdict: result.verdict })
    for (const difference of result.differences) metrics.diffs.inc({ feature, kind: difference.kind })
  })
}
