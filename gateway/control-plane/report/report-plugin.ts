/**
 * GET /admin/report/:feature?window=15m and GET /admin/migration, behind the admin auth hook.
 * Thresholds come from the plugin options (defaults in verdict.ts).
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { createAdminAuth } from '../admin/auth.js'
import { AdminBadRequestError, UnknownFeatureError } from '../../core/errors.js'
import { createMemoryReader, type MemoryReader } from '../../analysis/report/backend-memory.js'
import { buildFeatureReport, type ReportContext } from './build-report.js'
import { buildMigrationStatus } from './migration.js'
import { DEFAULT_VERDICT_THRESHOLDS, type VerdictThresholds } from '../../analysis/report/verdict.js'

export interface ReportPluginOptions {
  /** The admin auth hook (gateway/admin/auth.ts); default: loopback callers only. */
  auth?: onRequestAsyncHookHandler
  thresholds?: Partial<VerdictThresholds>
  /** Default window when the query has none. */
  defaultWindowMinutes?: number
  readMemory?: MemoryReader
  /** The all-time diff rate shown beside the window's; default: the gateway's diff store summary. */
  storedDiffRate?: (feature: string) => Promise<number | null>
}

export const DEFAULT_REPORT_WINDOW_MINUTES = 15

declare module 'fastify' {
  interface FastifyInstance {
    /** The pieces a report is built from, for the dashboard. */
    reportContext: () => ReportContext
  }
}

/** `15m`, `2h` -> minutes; throws a 400 outside 1..max. */
export function parseWindow (text: string | undefined, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback
  const match = /^(\d{1,4})(m|h)$/.exec(text)
  const minutes = match === null ? NaN : Number(match[1]) * (match[2] === 'h' ? 60 : 1)
  if (!(minutes >= 1 && minutes <= max)) {
    throw new AdminBadRequestError(`window must look like 15m or 1h, between 1m and ${max}m (the recorder's retention)`)
  }
  return minutes
}

async function reportPlugin (app: FastifyInstance, options: ReportPluginOptions): Promise<void> {
  const auth = options.auth ?? createAdminAuth({ token: undefined }).hook
  const thresholds: VerdictThresholds = Object.freeze({ ...DEFAULT_VERDICT_THRESHOLDS, ...options.thresholds })
  const readMemory = options.readMemory ?? createMemoryReader()
  const storedDiffRate = options.storedDiffRate ??
    (async (feature: string) => (await app.gateway.diffStore.summary()).features[feature]?.diffRate ?? null)
  const defaultWindow = options.defaultWindowMinutes ?? DEFAULT_REPORT_WINDOW_MINUTES
  const context = (): ReportContext => ({
    snapshot: app.gateway.holder.current(),
    overrides: app.gateway.overrides,
    recorder: app.latencyRecorder,
    readMemory,
    thresholds,
    storedDiffRate
  })
  app.decorate('reportContext', context)
  const windowOf = (query: unknown): number =>
    parseWindow((query as { window?: string }).window, defaultWindow, app.latencyRecorder.retentionMinutes)

  await app.register(async function reportRoutes (scope) {
    scope.addHook('onRequest', auth)
    scope.get<{ Params: { feature: string } }>('/admin/report/:feature', async (request) => {
      const ctx = context()
      const { feature } = request.params
      if (!Object.hasOwn(ctx.snapshot.config.features, feature)) throw new UnknownFeatureError(feature)
      return await buildFeatureReport(ctx, feature, windowOf(request.query))
    })
    scope.get('/admin/migration', async (request) => await buildMigrationStatus(context(), windowOf(request.query)))
  })
}

export default fp(reportPlugin, { name: 'report', fastify: '5.x', dependencies: ['latency-recorder'] })
