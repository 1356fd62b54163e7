/**
 * GET /admin/dashboard-data's body: everything the dashboard page draws, in one read-only call:
 * each feature's flag (with sources), phase, report, per-minute series and rollout, overall
 * progress, and the newest diff records.
 */
import type { KnownDifferences } from '../../analysis/known-differences/known-difference.js'
import { describeFlags, type FeatureView } from '../admin/flag-view.js'
import type { DiffRecord, DiffStore } from '../../analysis/diff-store/diff-store-types.js'
import { buildFeatureReport, type FeatureReport, type ReportContext } from '../report/build-report.js'
import { featureProgress } from '../report/migration.js'
import { summariseSeries, type SeriesPoint } from '../../analysis/report/summarise-window.js'
import type { RolloutView } from '../rollout/rollout-view.js'

export interface DashboardFeature {
  name: string
  flag: FeatureView
  report: FeatureReport
  series: SeriesPoint[]
  /** Where its automatic rollout stands (GET /admin/rollouts/:feature); null without one. */
  rollout: RolloutView | null
}

export interface DashboardData {
  generatedAt: string
  window: string
  configVersion: number
  progressPercent: number
  features: DashboardFeature[]
  diffs: DiffRecord[]
  /** Set when the diff store could not be read (Redis down): the rest still shows. */
  diffsError: string | null
  /** Set when the rollout state could not be read (Redis down): the rest still shows. */
  rolloutsError: string | null
}

export interface DashboardSources {
  diffStore: DiffStore
  /** Accepted known differences: each shown difference says whether it is one. */
  known?: KnownDifferences
  /** The rollout plugin's view; absent when the gateway runs without it. */
  rollout?: (feature: string) => Promise<RolloutView | null>
}

/** Each difference marked `known` (true or false) when the gateway keeps known differences. */
function markKnown (record: DiffRecord, known: KnownDifferences | undefined, now: number): DiffRecord {
  if (known === undefined) return record
  return { ...record, differences: record.differences.map((d) => ({ ...d, known: known.match(record.feature, record.route, d, now) !== undefined })) }
}

export async function buildDashboardData (
  ctx: ReportContext, sources: DashboardSources, windowMinutes: number, diffLimit: number, now = Date.now()
): Promise<DashboardData> {
  const flags = describeFlags(ctx.snapshot, ctx.overrides)
  const names = Object.keys(flags.features)
  let rolloutsError: string | null = null
  const rollout = async (name: string): Promise<RolloutView | null> => {
    if (sources.rollout === undefined) return null
    try {
      return await sources.rollout(name)
    } catch (err) {
      rolloutsError = (err as Error).message
      return null
    }
  }
  const [features, diffs] = await Promise.all([
    Promise.all(names.map(async (name): Promise<DashboardFeature> => {
      const [report, minutes, rolloutView] = await Promise.all([
        buildFeatureReport(ctx, name, windowMinutes, now),
        ctx.recorder.read(name, windowMinutes, now),
        rollout(name)
      ])
      return { name, flag: flags.features[name], report, series: summariseSeries(minutes), rollout: rolloutView }
    })),
    sources.diffStore.list({ limit: diffLimit }).then(
      (result) => ({ records: result.records.map((record) => markKnown(record, sources.known, now)), error: null }),
      (err: unknown) => ({ records: [], error: (err as Error).message })
    )
  ])
  const progress = features.reduce((sum, f) => sum + featureProgress(f.report.phase), 0)
  return {
    generatedAt: new Date(now).toISOString(),
    window: `${windowMinutes}m`,
    configVersion: flags.configVersion,
    progressPercent: names.length === 0 ? 0 : Math.round(progress / names.length),
    features,
    diffs: diffs.records,
    diffsError: diffs.error,
    rolloutsError
  }
}
