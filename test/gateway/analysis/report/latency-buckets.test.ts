import t from 'tap'
import { BUCKET_COUNT, bucketIndex, bucketUpperMs, quantileMs } from '../../../../gateway/analysis/report/latency-buckets.js'

t.test('each latency lands in the bucket whose range holds it', async (t) => {
  for (const ms of [0, 0.3, 0.5, 0.51, 1, 7.3, 42, 999, 12_345]) {
    const i = bucketIndex(ms)
    t.ok(ms <= bucketUpperMs(i), `${ms} <= upper(${i})`)
    if (i > 0) t.ok(ms > bucketUpperMs(i - 1), `${ms} > upper(${i - 1})`)
  }
  t.equal(bucketIndex(10 * 60_000), BUCKET_COUNT - 1, 'very slow answers land in the last bucket')
  t.equal(bucketIndex(NaN), 0)
})

t.test('quantiles read back within 5% of the exact value', async (t) => {
  const counts = new Array<number>(BUCKET_COUNT).fill(0)
  const values = Array.from({ length: 1000 }, (_, i) => 10 + i * 0.2) // 10..210 ms, uniform
  for (const v of values) counts[bucketIndex(v)]++
  const p50 = quantileMs(counts, 0.5) ?? 0
  const p95 = quantileMs(counts, 0.95) ?? 0
  t.ok(Math.abs(p50 - 110) / 110 < 0.05, `p50 ${p50}`)
  t.ok(Math.abs(p95 - 200) / 200 < 0.05, `p95 ${p95}`)
  t.equal(quantileMs(new Array(BUCKET_COUNT).fill(0), 0.5), null, 'no samples: null')
})
