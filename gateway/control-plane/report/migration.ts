/**
 * GET /admin/migration's body: every feature's phase and verdict, and how far the migration
 * has come overall. Progress weighs a feature 0 on legacy, 10 in shadow, 10 + 0.9 x N at
 * canary N%, 100 on new: shadowing is real progress, but serving users is most of it.
 */
import type { MigrationStage } from '../admin/flag-view.js'
import { buildFeatureReport, type FeaturePhase, type ReportContext } from './build-report.js'
import type { VerdictReason, VerdictStatus } from '../../analysis/report/verdict.js'

export interface FeatureMigration extends FeaturePhase {
  verdict: VerdictStatus
  reasons: VerdictReason[]
  progressPercent: number
}

export interface MigrationStatus {
  generatedAt: string
  window: string
  features: Record<string, FeatureMigration>
  progress: { percent: number, stages: Record<MigrationStage, number>, features: number }
}

export function featureProgress (phase: Pick<FeaturePhase, 'stage' | 'canary'>): number {
  switch (phase.stage) {
    case 'legacy': return 0
    case 'shadow': return 10
    case 'canary': return Math.round(10 + 0.9 * phase.canary)
    case 'live':
    case 'new':
    case 'complete': return 100
  }
}

export async function buildMigrationStatus (ctx: ReportContext, windowMinutes: number, now = Date.now()): Promise<MigrationStatus> {
  const names = Object.keys(ctx.snapshot.config.features)
  const reports = await Promise.all(names.map(async (feature) => await buildFeatureReport(ctx, feature, windowMinutes, now)))
  const features: Record<string, FeatureMigration> = {}
  const stages: Record<MigrationStage, number> = { legacy: 0, shadow: 0, canary: 0, live: 0, new: 0, complete: 0 }
  let total = 0
  for (const report of reports) {
    const progressPercent = featureProgress(report.phase)
    features[report.feature] = {
      ...report.phase,
      verdict: report.recommendation.status,
      reasons: report.recommendation.reasons,
      progressPercent
    }
    stages[report.phase.stage]++
    total += progressPercent
  }
  return {
    generatedAt: new Date(now).toISOString(),
    window: `${windowMinutes}m`,
    features,
    progress: { percent: names.length === 0 ? 0 : Math.round(total / names.length), stages, features: names.length }
  }
}
