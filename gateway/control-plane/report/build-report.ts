/**
 * GET /admin/report/:feature's body: the window's figures for shadow pairs and live canary
 * traffic side by side, both backends' memory, the diff rate, sample sizes and the verdict.
 */
import { stageOf, type MigrationStage } from '../admin/flag-view.js'
import type { RuntimeSnapshot } from '../../data-plane/config-holder.js'
import type { OverrideStore } from '../../data-plane/overrides/override-store.js'
import { effectiveFlag } from '../../data-plane/routing/effective-flag.js'
import type { MemoryReader, MemoryReading } from '../../analysis/report/backend-memory.js'
import type { LatencyRecorder } from '../../analysis/report/recorder-types.js'
import { countsSince, type ReportSince } from '../../analysis/report/since.js'
import { summariseWindow, type CoverageFigures, type SideFigures, type WindowFigures } from '../../analysis/report/summarise-window.js'
import { decideVerdict, planThresholds, type Recommendation } from '../../analysis/report/verdict.js'
import type { VerdictThresholds } from '../../core/config/verdict-thresholds.js'

export interface ReportContext {
  snapshot: RuntimeSnapshot
  overrides: OverrideStore
  recorder: LatencyRecorder
  readMemory: MemoryReader
  thresholds: VerdictThresholds
  /** The diff store's all-time diff rate of a feature, shown next to the windowed one. */
  storedDiffRate?: (feature: string) => Promise<number | null>
}

export interface FeaturePhase {
  stage: MigrationStage
  enabled: boolean
  canary: number
  shadowSample: number
  /** `legacy`, `shadow 10%`, `canary 25%`, `live 10%`, `new`, `complete`. */
  label: string
  /**
   * Which side serves the feature's sampled requests, so which side the shadow pairs' copies went
   * to: `legacy` (shadows to new), `new` (the live stage's copies to legacy); `split` on a canary.
   */
  servedBy: 'legacy' | 'new' | 'split'
}

export interface FeatureReport {
  feature: string
  window: string
  /** Set when the figures count from a moment (a rollout step's start), not the whole window. */
  since?: string
  generatedAt: string
  phase: FeaturePhase
  /** Both sides answered the same mirrored requests. */
  shadow: WindowFigures['shadow']
  /**
   * The shadows sampled in the window and how they ended; `ratio` (compared / sampled) is the
   * effective coverage: the share of sampled traffic the comparison really saw.
   */
  coverage: CoverageFigures
  /** Live requests of the feature: old = legacy-served, new = new-served (the canary). */
  canary: { old: SideFigures, new: SideFigures }
  memory: { old: MemoryReading, new: MemoryReading }
  /** `knownPairs`: shadow pairs whose every difference is an accepted known difference, left out of `shadowPairs`. */
  diffRate: { shadowPairs: number | null, knownPairs: number, diffStore: number | null }
  sampleSizes: { shadowPairs: number, canaryOld: number, canaryNew: number, minimum: number }
  thresholds: VerdictThresholds
  recommendation: Recommendation
}

export function phaseOf (snapshot: RuntimeSnapshot, overrides: OverrideStore, feature: string): FeaturePhase {
  const yaml = snapshot.config.features[feature]
  const flag = effectiveFlag(feature, yaml, overrides, snapshot.decideContext.envFlags)
  const stage = stageOf(flag, yaml.shadow.sample)
  const label = stage === 'canary'
    ? `canary ${flag.canary}%`
    : stage === 'shadow' || stage === 'live' ? `${stage} ${yaml.shadow.sample}%` : stage
  const servedBy = stage === 'canary' ? 'split' : stage === 'legacy' || stage === 'shadow' ? 'legacy' : 'new'
  return { stage, enabled: flag.enabled, canary: flag.canary, shadowSample: yaml.shadow.sample, label, servedBy }
}

/**
 * A feature with a rollout plan is judged by the plan's thresholds and minSamples: the report,
 * the dashboard and the rollout controller give it one verdict. Others by the report's own.
 */
function featureThresholds (ctx: Pick<ReportContext, 'snapshot' | 'thresholds'>, feature: string): VerdictThresholds {
  const plan = ctx.snapshot.config.features[feature]?.rollout
  return plan === undefined ? ctx.thresholds : planThresholds(plan)
}

/** `since`: count only what was recorded after that moment (windowMinutes must reach back to it). */
export async function buildFeatureReport (
  ctx: ReportContext, feature: string, windowMinutes: number, now = Date.now(), since?: ReportSince
): Promise<FeatureReport> {
  const { upstreams } = ctx.snapshot.config
  const [recorded, oldMemory, newMemory, storedRate] = await Promise.all([
    ctx.recorder.read(feature, windowMinutes, now),
    ctx.readMemory(upstreams.legacy.metricsUrl),
    ctx.readMemory(upstreams.new.metricsUrl),
    ctx.storedDiffRate?.(feature).catch(() => null) ?? Promise.resolve(null)
  ])
  const minutes = since === undefined ? recorded : countsSince(recorded, since)
  const figures = summariseWindow(minutes)
  const thresholds = featureThresholds(ctx, feature)
  const recommendation = decideVerdict({ figures, memory: { old: oldMemory.bytes, new: newMemory.bytes } }, thresholds)
  return {
    feature,
    window: `${windowMinutes}m`,
    ...(since === undefined ? {} : { since: new Date(since.at).toISOString() }),
    generatedAt: new Date(now).toISOString(),
    phase: phaseOf(ctx.snapshot, ctx.overrides, feature),
    shadow: figures.shadow,
    coverage: figures.coverage,
    canary: figures.live,
    memory: { old: oldMemory, new: newMemory },
    diffRate: { shadowPairs: figures.shadow.diffRate, knownPairs: figures.shadow.known, diffStore: storedRate },
    sampleSizes: {
      shadowPairs: figures.shadow.pairs,
      canaryOld: figures.live.old.requests,
      canaryNew: figures.live.new.requests,
      minimum: thresholds.minSamples
    },
    thresholds,
    recommendation
  }
}
