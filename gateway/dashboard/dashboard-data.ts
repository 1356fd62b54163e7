/**
 * GET /admin/dashboard-data's body: everything the dashboard page draws, in one read-only call:
 * each feature's flag (with sources), phase, report and per-minute series, overall progress,
 * and the newest diff records.
 */
import { describeFlags, type FeatureView } from '../admin/flag-view.js'
import type { DiffRecord, DiffStore } from '../diff-store/types.js'
import { buildFeatureReport, type FeatureReport, type ReportContext } from '../report/build-report.js'
import { featureProgress } from '../report/migration.js'
import { summariseSeries, type SeriesPoint } from '../report/summarise.js'

export interface DashboardFeature {
  name: string
  flag: FeatureView
  report: FeatureReport
  series: SeriesPoint[]
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
}

export async function buildDashboardData (
  ctx: ReportContext, diffStore: DiffStore, windowMinutes: number, diffLimit: number, now = Date.now()
): Promise<DashboardData> {
  const flags = describeFlags(ctx.snapshot, ctx.overrides)
  const names = Object.keys(flags.features)
  const [features, diffs] = await Promise.all([
    Promise.all(names.map(async (name): Promise<DashboardFeature> => {
      const [report, minutes] = await Promise.all([
        buildFeatureReport(ctx, name, windowMinutes, now),
        ctx.recorder.read(name, windowMinutes, now)
      ])
      return { name, flag: flags.features[name], report, series: summariseSeries(minutes) }
    })),
    diffStore.list({ limit: diffLimit }).then(
      (result) => ({ records: result.records, error: null }),
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
    diffsError: diffs.error
  }
}
