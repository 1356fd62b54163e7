/**
 * The users' latencies over one window, for the shadows' latency guard (latency-guard.ts): a
 * log-bucketed histogram, 4 % wide buckets from 10 µs to about a minute. Recording is a log and
 * an increment; a percentile walks 400 counters. Nothing is allocated per request.
 */
const BUCKETS = 400
const LOWEST_MS = 0.01
const GROWTH = 1.04
const LOG_GROWTH = Math.log(GROWTH)

export class LatencyWindow {
  readonly #counts = new Uint32Array(BUCKETS)
  #count = 0

  get count (): number { return this.#count }

  record (ms: number): void {
    const at = ms <= LOWEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / LOWEST_MS) / LOG_GROWTH))
    this.#counts[at]++
    this.#count++
  }

  /** The upper edge of the bucket holding the q-quantile (0 < q <= 1); 0 when nothing was recorded. */
  percentile (q: number): number {
    if (this.#count === 0) return 0
    const rank = Math.ceil(q * this.#count)
    let seen = 0
    for (let at = 0; at < BUCKETS; at++) {
      seen += this.#counts[at]
      if (seen >= rank) return LOWEST_MS * GROWTH ** at
    }
    return LOWEST_MS * GROWTH ** (BUCKETS - 1)
  }

  reset (): void {
    this.#counts.fill(0)
    this.#count = 0
  }
}
