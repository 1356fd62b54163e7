/** Nearest-rank percentiles and the verdict rule, without servers. */
import t from 'tap'
import { latencyStats, percentile } from '../../../../gateway/tooling/perf/latency-stats.js'
import { perfVerdict } from '../../../../gateway/tooling/perf/run-perf.js'

t.test('nearest-rank percentiles', async (t) => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1)
  t.same([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)], [50, 95, 99, 100])
  t.equal(percentile([7], 95), 7)
  t.ok(Number.isNaN(percentile([], 50)))
  t.match(latencyStats([3, 1, 2], 1), { requests: 3, errors: 1, p50Ms: 2, p95Ms: 3, meanMs: 2, maxMs: 3 })
})

t.test('fail above threshold x baseline p95, pass at it', async (t) => {
  const side = (p95Ms: number, errors = 0): ReturnType<typeof latencyStats> => ({ ...latencyStats([p95Ms], errors), requests: 10 })
  t.equal(perfVerdict(side(100), side(110), 1.1).verdict, 'pass', 'exactly 1.1x passes')
  t.equal(perfVerdict(side(100), side(111), 1.1).verdict, 'fail')
  t.equal(perfVerdict(side(100), side(50, 1), 1.1).verdict, 'fail', 'errors fail however fast')
  t.equal(perfVerdict(side(100), side(200), 1.1).p95Ratio, 2)
})
