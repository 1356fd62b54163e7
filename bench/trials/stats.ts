/** Medians of rounds and percentiles of latencies, for the bench's tables. */
export const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** The q-quantile (0..1) of latencies, sorted here. */
export function percentile (xs: number[], q: number): number {
  const sorted = xs.slice().sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

export const fixed = (n: number, digits = 2): string => Number.isFinite(n) ? n.toFixed(digits) : '-'
