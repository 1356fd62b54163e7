/**
 * The seed's performance test: the same request N times against the baseline (legacy) and the
 * candidate (new) with C concurrent workers, p50/p95/p99 for each, and a verdict: fail when the
 * candidate's p95 is above `threshold` x the baseline's p95 (the report's 1.1x rule), or when the
 * candidate answered with errors. Both sides are measured at the same moments, C workers each, in
 * rounds that start together (after a short unmeasured warm-up), so that a busy shared machine
 * weighs on both alike: measured here under a load average of 6 on 2 cores, one side after the
 * other gave p95 ratios of 0.8-1.2 for two identical backends, side by side 0.99-1.04. The price:
 * two backends on one machine also compete with each other for its CPU while measured.
 */
import { latencyStats, type LatencyStats } from './latency-stats.js'
import { createPerfAgent, measure, type Measured, type RequestSpec } from './measure.js'

export const DEFAULT_PERF_REQUESTS = 100
export const DEFAULT_PERF_CONCURRENCY = 10
export const DEFAULT_P95_THRESHOLD = 1.1
const DEFAULT_ROUNDS = 5
const DEFAULT_WARMUP_REQUESTS = 10

export interface PerfOptions {
  baseline: string
  candidate: string
  /** Path and query appended to both URLs. */
  path: string
  method?: string
  headers?: Record<string, string>
  body?: string
  requests?: number
  concurrency?: number
  threshold?: number
  rounds?: number
  warmup?: number
}

export interface PerfSide extends LatencyStats {
  url: string
  firstError?: string
}

export interface PerfResult {
  baseline: PerfSide
  candidate: PerfSide
  requests: number
  concurrency: number
  threshold: number
  /** candidate p95 / baseline p95. */
  p95Ratio: number
  verdict: 'pass' | 'fail'
  reasons: string[]
}

function joinUrl (base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`
}

function side (url: string, measured: Measured[]): PerfSide {
  const all = measured.flatMap((m) => m.latenciesMs)
  const errors = measured.reduce((n, m) => n + m.errors, 0)
  const stats: PerfSide = { url, ...latencyStats(all, errors), requests: measured.reduce((n, m) => n + m.sent, 0) }
  const firstError = measured.find((m) => m.firstError !== undefined)?.firstError
  if (firstError !== undefined) stats.firstError = firstError
  return stats
}

export function perfVerdict (baseline: LatencyStats, candidate: LatencyStats, threshold: number): Pick<PerfResult, 'p95Ratio' | 'verdict' | 'reasons'> {
  const p95Ratio = Math.round((candidate.p95Ms / baseline.p95Ms) * 1000) / 1000
  const reasons: string[] = []
  if (Number.isNaN(baseline.p95Ms) || Number.isNaN(candidate.p95Ms)) {
    reasons.push(`no latencies to compare: ${Number.isNaN(baseline.p95Ms) ? 'baseline' : 'new'} gave no answer`)
  } else if (candidate.p95Ms > threshold * baseline.p95Ms) {
    reasons.push(`new p95 ${candidate.p95Ms} ms > ${threshold} x baseline p95 ${baseline.p95Ms} ms (ratio ${p95Ratio})`)
  }
  if (candidate.errors > 0) reasons.push(`new answered ${candidate.errors} of ${candidate.requests} requests with an error`)
  return { p95Ratio, verdict: reasons.length === 0 ? 'pass' : 'fail', reasons }
}

export async function runPerf (options: PerfOptions): Promise<PerfResult> {
  const requests = options.requests ?? DEFAULT_PERF_REQUESTS
  const concurrency = options.concurrency ?? DEFAULT_PERF_CONCURRENCY
  const threshold = options.threshold ?? DEFAULT_P95_THRESHOLD
  const rounds = Math.max(1, Math.min(options.rounds ?? DEFAULT_ROUNDS, Math.floor(requests / concurrency) || 1))
  const spec = (base: string): RequestSpec => ({ method: options.method ?? 'GET', url: joinUrl(base, options.path), headers: options.headers, body: options.body })
  const targets = [spec(options.baseline), spec(options.candidate)]
  const agents = targets.map(() => createPerfAgent(concurrency))
  const results: Measured[][] = [[], []]
  try {
    const warmup = options.warmup ?? DEFAULT_WARMUP_REQUESTS
    for (const [i, target] of targets.entries()) if (warmup > 0) await measure(target, warmup, concurrency, agents[i])
    for (let round = 0; round < rounds; round++) {
      // Rounds share the requests out evenly; the earlier rounds take the remainder.
      const count = Math.floor(requests / rounds) + (round < requests % rounds ? 1 : 0)
      const both = await Promise.all([0, 1].map(async (i) => await measure(targets[i], count, concurrency, agents[i])))
      both.forEach((m, i) => results[i].push(m))
    }
  } finally {
    await Promise.all(agents.map(async (agent) => await agent.close()))
  }
  const baseline = side(targets[0].url, results[0])
  const candidate = side(targets[1].url, results[1])
  return { baseline, candidate, requests, concurrency, threshold, ...perfVerdict(baseline, candidate, threshold) }
}
