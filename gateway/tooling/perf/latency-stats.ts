/** Percentiles of measured latencies, nearest-rank, as the seed's performance test reported them. */

export interface LatencyStats {
  /** Requests sent (answered or not). */
  requests: number
  /** Connection errors and non-2xx/3xx answers. */
  errors: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  meanMs: number
  maxMs: number
}

/** Nearest-rank percentile of ascending values; NaN for none. */
export function percentile (sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

export function latencyStats (latenciesMs: readonly number[], errors: number): LatencyStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const round = (v: number): number => Math.round(v * 100) / 100
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    requests: sorted.length,
    errors,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: sorted.length === 0 ? NaN : round(sum / sorted.length),
    maxMs: sorted.length === 0 ? NaN : round(sorted[sorted.length - 1])
  }
}
