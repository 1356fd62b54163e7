/**
 * Fixed latency buckets for the report: bounded (a fixed number of counters per minute, however
 * much traffic) and mergeable (counts add up across minutes and replicas, which sketches stored
 * as opaque blobs would not do with a plain HINCRBY). Boundaries grow by 5%, so a quantile read
 * back is within one bucket (5%) of the truth: half the margin of the 1.1x p95 rule. Only
 * buckets that saw traffic are stored.
 */
export const FIRST_BUCKET_MS = 0.5
export const BUCKET_GROWTH = 1.05
/** The last bucket ends past 2 minutes; slower answers land in it. */
export const BUCKET_COUNT = 256

const LOG_GROWTH = Math.log(BUCKET_GROWTH)

/** Upper bound (ms) of bucket i. */
export function bucketUpperMs (index: number): number {
  return FIRST_BUCKET_MS * BUCKET_GROWTH ** index
}

/** O(1): the bucket whose range (upper(i-1), upper(i)] holds latencyMs. */
export function bucketIndex (latencyMs: number): number {
  if (!(latencyMs > FIRST_BUCKET_MS)) return 0
  const index = Math.ceil(Math.log(latencyMs / FIRST_BUCKET_MS) / LOG_GROWTH - 1e-9)
  return index >= BUCKET_COUNT ? BUCKET_COUNT - 1 : index
}

/** The q-quantile (0..1) of bucket counts, interpolated inside its bucket; null without samples. */
export function quantileMs (counts: ArrayLike<number>, q: number): number | null {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]
  if (total === 0) return null
  const rank = q * total
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]
    if (count === 0) continue
    if (seen + count >= rank) {
      const lower = i === 0 ? 0 : bucketUpperMs(i - 1)
      const upper = bucketUpperMs(i)
      return lower + (upper - lower) * Math.max(0, (rank - seen) / count)
    }
    seen += count
  }
  return bucketUpperMs(counts.length - 1)
}
