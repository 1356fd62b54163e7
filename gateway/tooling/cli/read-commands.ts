/** `diffs [--feature F] [--limit N]` and `report <feature>`. */
import type { DiffRecord, ListResult } from '../../analysis/diff-store/diff-store-types.js'
import type { FeatureReport } from '../../control-plane/report/build-report.js'
import { answered, EXIT_FAILURE, EXIT_OK, UsageError, type CommandContext } from './cli-context.js'
import { formatTable, ms, percent } from '../format-table.js'

export async function diffsCommand (ctx: CommandContext, options: { feature?: string, limit?: string }): Promise<number> {
  const query = new URLSearchParams()
  if (options.feature !== undefined) query.set('feature', options.feature)
  if (options.limit !== undefined) query.set('limit', options.limit)
  const qs = query.size > 0 ? `?${query.toString()}` : ''
  const response = await ctx.client.call('GET', `/admin/diffs${qs}`)
  if (!answered(ctx, response)) return EXIT_FAILURE
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify(response.body)}\n`)
    return EXIT_OK
  }
  const records: DiffRecord[] = (response.body as ListResult | null)?.records ?? []
  if (records.length === 0) {
    ctx.out.write('no diff records\n')
    return EXIT_OK
  }
  ctx.out.write(formatTable(['TIME', 'FEATURE', 'METHOD', 'ROUTE', 'STATUS OLD/NEW', 'VERDICT', 'DIFFS', 'FIELDS'], records.map((r) => [
    r.time, r.feature, r.method, r.route, `${r.legacy?.status ?? '?'}/${r.candidate?.status ?? '?'}`, r.verdict, r.differenceCount ?? 0, (r.fields ?? []).slice(0, 4).join(' ')
  ])))
  return EXIT_OK
}

export async function reportCommand (ctx: CommandContext, feature: string | undefined, failOnNotReady: boolean): Promise<number> {
  if (feature === undefined) throw new UsageError('usage: report <feature> [--fail-on-not-ready]')
  const response = await ctx.client.call('GET', `/admin/report/${encodeURIComponent(feature)}`)
  if (!answered(ctx, response)) return EXIT_FAILURE
  const report = response.body as FeatureReport
  const status = report.recommendation?.status
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify(report)}\n`)
  } else {
    ctx.out.write(`${feature}: ${String(status).toUpperCase()} (${report.phase?.label ?? '?'}, window ${report.window ?? '?'})\n\n`)
    const rows: Array<Array<string | number>> = []
    const side = (name: string, f: { requests: number, errorRate: number | null, p50Ms: number | null, p95Ms: number | null } | undefined): void => {
      if (f !== undefined) rows.push([name, f.requests, ms(f.p50Ms), ms(f.p95Ms), percent(f.errorRate)])
    }
    side('shadow old', report.shadow?.old)
    side('shadow new', report.shadow?.new)
    side('canary old', report.canary?.old)
    side('canary new', report.canary?.new)
    ctx.out.write(formatTable(['SOURCE', 'REQUESTS', 'P50', 'P95', 'ERRORS'], rows))
    ctx.out.write(`\ndiff rate: ${percent(report.diffRate?.shadowPairs)} of shadow pairs\n`)
    for (const reason of report.recommendation?.reasons ?? []) ctx.out.write(`  - ${reason.message}\n`)
    for (const note of report.recommendation?.notes ?? []) ctx.out.write(`  note: ${note}\n`)
  }
  return failOnNotReady && status !== 'ready' ? EXIT_FAILURE : EXIT_OK
}
