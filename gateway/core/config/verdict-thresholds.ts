/**
 * What the old-vs-new verdict judges by, and its defaults: routes.yaml's schema fills a rollout
 * plan's thresholds from these, and the report judges every feature without a plan by them.
 */
export interface VerdictThresholds {
  /** Not ready when new p95 > this x old p95 ... */
  maxP95Ratio: number
  /** ... and by more than this many ms: sub-millisecond jitter on fast routes is no regression. */
  latencyToleranceMs: number
  /** Not ready when the new error rate exceeds the old one by more than this (0 = any excess). */
  errorRateMargin: number
  /** Not ready when new memory > this x old memory. */
  maxMemoryRatio: number
  /** Not ready when more than this share of shadow pairs differed. */
  maxDiffRate: number
  /** Requests needed on each side of a source before it is judged. */
  minSamples: number
}

export const DEFAULT_VERDICT_THRESHOLDS: Readonly<VerdictThresholds> = Object.freeze({
  maxP95Ratio: 1.1,
  latencyToleranceMs: 5,
  errorRateMargin: 0,
  maxMemoryRatio: 1.2,
  maxDiffRate: 0.05,
  minSamples: 100
})
