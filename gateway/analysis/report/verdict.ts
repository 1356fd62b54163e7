/**
 * The ready / not_ready / insufficient_data verdict (docs/report.md), as a pure function of
 * the window's figures and the backends' memory. Shadow pairs and live (canary) traffic are
 * judged separately; a source counts once both its sides have `minSamples` requests, and every
 * source that counts must pass. Every failing rule is listed, not just the first.
 */
import type { RolloutConfig } from '../../core/config/gateway-config.js'
import { DEFAULT_VERDICT_THRESHOLDS, type VerdictThresholds } from '../../core/config/verdict-thresholds.js'
import type { SourceFigures, WindowFigures } from './summarise-window.js'

/** A rollout plan's thresholds: the verdict its feature is judged by, wherever it shows. */
export function planThresholds (plan: RolloutConfig): VerdictThresholds {
  return { ...plan.thresholds, minSamples: plan.minSamples }
}

export type VerdictStatus = 'ready' | 'not_ready' | 'insufficient_data'
export type ReasonCode = 'insufficient_samples' | 'latency_p95' | 'error_rate' | 'memory' | 'diff_rate'
export type FigureSource = 'shadow' | 'live'

export interface VerdictReason {
  code: ReasonCode
  source?: FigureSource
  message: string
}

export interface Recommendation {
  status: VerdictStatus
  reasons: VerdictReason[]
  /** What could not be judged (memory unknown, a source without enough samples). */
  notes: string[]
}

export interface VerdictInput {
  figures: WindowFigures
  /** Resident bytes of each backend; null when unknown. */
  memory: { old: number | null, new: number | null }
}

const SOURCE_NAMES: Record<FigureSource, string> = { shadow: 'shadow pairs', live: 'live canary traffic' }
const pct = (rate: number): string => `${(rate * 100).toFixed(1)}%`
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`

function judgeSource (source: FigureSource, figures: SourceFigures, t: VerdictThresholds): VerdictReason[] {
  const reasons: VerdictReason[] = []
  const { old, new: candidate } = figures
  const where = SOURCE_NAMES[source]
  if (old.p95Ms !== null && candidate.p95Ms !== null &&
      candidate.p95Ms > t.maxP95Ratio * old.p95Ms && candidate.p95Ms - old.p95Ms > t.latencyToleranceMs) {
    reasons.push({
      code: 'latency_p95',
      source,
      message: `new p95 ${candidate.p95Ms} ms is more than ${t.maxP95Ratio} x old p95 ${old.p95Ms} ms (${where})`
    })
  }
  const oldRate = old.errorRate ?? 0
  const newRate = candidate.errorRate ?? 0
  if (newRate > oldRate + t.errorRateMargin) {
    reasons.push({
      code: 'error_rate',
      source,
      message: `new error rate ${pct(newRate)} is above old ${pct(oldRate)} (${where}, 5xx and failed calls)`
    })
  }
  return reasons
}

export function decideVerdict (input: VerdictInput, thresholds: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS): Recommendation {
  const { figures, memory } = input
  const t = thresholds
  const reasons: VerdictReason[] = []
  const notes: string[] = []
  const judged: FigureSource[] = []
  for (const source of ['shadow', 'live'] as const) {
    const { old, new: candidate } = figures[source]
    if (old.requests >= t.minSamples && candidate.requests >= t.minSamples) {
      judged.push(source)
      reasons.push(...judgeSource(source, figures[source], t))
    } else if (old.requests + candidate.requests > 0) {
      notes.push(`${SOURCE_NAMES[source]} not judged: ${old.requests} old and ${candidate.requests} new requests, ${t.minSamples} needed on each side`)
    }
  }

  const shadow = figures.shadow
  if (shadow.pairs >= t.minSamples && shadow.diffRate !== null && shadow.diffRate > t.maxDiffRate) {
    reasons.push({
      code: 'diff_rate',
      source: 'shadow',
      message: `${pct(shadow.diffRate)} of ${shadow.pairs} shadow pairs differed; the limit is ${pct(t.maxDiffRate)}`
    })
  }

  if (memory.old !== null && memory.new !== null) {
    if (memory.new > t.maxMemoryRatio * memory.old) {
      reasons.push({ code: 'memory', message: `new uses ${mib(memory.new)}, more than ${t.maxMemoryRatio} x old ${mib(memory.old)}` })
    }
  } else {
    notes.push(`memory not compared: ${memory.old === null ? 'old' : 'new'} backend's memory is unknown (set upstreams.<name>.metricsUrl)`)
  }

  if (judged.length === 0) {
    reasons.unshift({
      code: 'insufficient_samples',
      message: `fewer than ${t.minSamples} requests on each side: shadow ${shadow.old.requests}/${shadow.new.requests}, ` +
        `live ${figures.live.old.requests}/${figures.live.new.requests} (old/new)`
    })
    return { status: 'insufficient_data', reasons, notes }
  }
  return { status: reasons.length === 0 ? 'ready' : 'not_ready', reasons, notes }
}
