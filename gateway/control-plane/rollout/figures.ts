/** The few report figures a decision keeps (state, audit entry, log): enough to say why. */
import type { FeatureReport } from '../report/build-report.js'
import type { SideFigures } from '../../analysis/report/summarise-window.js'
import type { DecisionFigures, SideSummary } from './rollout-state.js'

const side = ({ requests, errorRate, p95Ms }: SideFigures): SideSummary => ({ requests, errorRate, p95Ms })

export function decisionFigures (report: FeatureReport): DecisionFigures {
  return {
    since: report.since ?? null,
    verdict: report.recommendation.status,
    reasons: report.recommendation.reasons.map(({ code, message }) => ({ code, message })),
    shadow: { pairs: report.shadow.pairs, diffRate: report.shadow.diffRate, old: side(report.shadow.old), new: side(report.shadow.new) },
    live: { old: side(report.canary.old), new: side(report.canary.new) },
    minSamples: report.sampleSizes.minimum
  }
}
