/** `perf`: the seed's performance test, baseline (legacy) vs candidate (new); exit 1 when new fails the p95 rule. */
import { existsSync } from 'node:fs'
import { loadRoutesFile } from '../../core/config/load-config.js'
import { DEFAULT_P95_THRESHOLD, DEFAULT_PERF_CONCURRENCY, DEFAULT_PERF_REQUESTS, runPerf, type PerfResult } from '../perf/run-perf.js'
import { EXIT_FAILURE, EXIT_OK, UsageError, type CommandContext } from './cli-context.js'
import { formatTable, ms } from '../format-table.js'

export const DEFAULT_PERF_PATH = '/api/categorized_scenarios'

export interface PerfCommandOptions {
  baseline?: string
  candidate?: string
  config?: string
  path?: string
  method?: string
  body?: string
  requests?: string
  concurrency?: string
  threshold?: string
}

export function positiveNumber (value: string | undefined, name: string, fallback: number, integer = true): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${value}"`)
  return n
}

/** Baseline and candidate default to routes.yaml's legacy and new upstreams. */
async function upstreamUrls (options: PerfCommandOptions): Promise<{ baseline: string, candidate: string }> {
  if (options.baseline !== undefined && options.candidate !== undefined) return { baseline: options.baseline, candidate: options.candidate }
  const file = options.config ?? 'routes.yaml'
  if (!existsSync(file)) throw new UsageError('perf needs --baseline URL and --candidate URL (or a routes.yaml whose upstreams to use)')
  const config = await loadRoutesFile(file)
  return { baseline: options.baseline ?? config.upstreams.legacy.url, candidate: options.candidate ?? config.upstreams.new.url }
}

export function formatPerf (result: PerfResult): string {
  const row = (name: string, s: PerfResult['baseline']): Array<string | number> =>
    [name, s.url, s.requests, s.errors, ms(s.p50Ms), ms(s.p95Ms), ms(s.p99Ms)]
  const lines = [
    `perf: ${result.requests} requests per side, ${result.concurrency} concurrent workers`,
    '',
    formatTable(['SIDE', 'URL', 'REQUESTS', 'ERRORS', 'P50', 'P95', 'P99'], [row('baseline', result.baseline), row('new', result.candidate)]),
    `new p95 / baseline p95 = ${result.p95Ratio} (limit ${result.threshold})`,
    `${result.verdict.toUpperCase()}${result.reasons.length > 0 ? `: ${result.reasons.join('; ')}` : ''}`
  ]
  for (const s of [result.baseline, result.candidate]) if (s.firstError !== undefined) lines.push(`first error from ${s.url}: ${s.firstError}`)
  return `${lines.join('\n')}\n`
}

export async function perfCommand (ctx: CommandContext, options: PerfCommandOptions): Promise<number> {
  const { baseline, candidate } = await upstreamUrls(options)
  if (options.body !== undefined) {
    try { JSON.parse(options.body) } catch { throw new UsageError('--body must be JSON (it is sent as application/json)') }
  }
  const result = await runPerf({
    baseline,
    candidate,
    path: options.path ?? DEFAULT_PERF_PATH,
    method: (options.method ?? (options.body === undefined ? 'GET' : 'POST')).toUpperCase(),
    headers: options.body === undefined ? undefined : { 'content-type': 'application/json' },
    body: options.body,
    requests: positiveNumber(options.requests, 'requests', DEFAULT_PERF_REQUESTS),
    concurrency: positiveNumber(options.concurrency, 'concurrency', DEFAULT_PERF_CONCURRENCY),
    threshold: positiveNumber(options.threshold, 'threshold', DEFAULT_P95_THRESHOLD, false)
  })
  ctx.out.write(ctx.json ? `${JSON.stringify(result)}\n` : formatPerf(result))
  return result.verdict === 'pass' ? EXIT_OK : EXIT_FAILURE
}
