/**
 * Decorates what the old-vs-new report is built from: `app.reportContext()` (the snapshot, the
 * recorder, the thresholds, the backends' memory) and `app.reportWindow(text)` (a `?window=`
 * value in minutes). The admin plugin serves /admin/report and /admin/migration from them, the
 * dashboard and the rollout controller read the same context. Thresholds come from the plugin
 * options (defaults in core/config/verdict-thresholds.ts).
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AdminBadRequestError } from '../../core/errors.js'
import { createMemoryReader, type MemoryReader } from '../../analysis/report/backend-memory.js'
import type { ReportContext } from './build-report.js'
import { DEFAULT_VERDICT_THRESHOLDS, type VerdictThresholds } from '../../core/config/verdict-thresholds.js'

export interface ReportPluginOptions {
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
    /** The pieces a report is built from. */
    reportContext: () => ReportContext
    /** A `?window=` value (`15m`, `2h`) in minutes, the default when absent; a 400 outside the recorder's retention. */
    reportWindow: (text: string | undefined, fallback?: number) => number
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
  app.decorate('reportWindow', (text: string | undefined, fallback = defaultWindow) =>
    parseWindow(text, fallback, app.latencyRecorder.retentionMinutes))
}

export default fp(reportPlugin, { name: 'report', fastify: '5.x', dependencies: ['latency-recorder'] })
