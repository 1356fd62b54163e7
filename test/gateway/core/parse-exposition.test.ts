import t from 'tap'
import { parseExposition } from '../../../gateway/core/parse-exposition.js'

t.test('reads families, types, escaped labels and special values', async (t) => {
  const families = parseExposition([
    '# HELP x_total A counter.',
    '# TYPE x_total counter',
    'x_total{a="q\\"uote",b="back\\\\slash\\nline"} 3',
    '# TYPE h histogram',
    'h_bucket{le="0.1"} 1',
    'h_bucket{le="+Inf"} 2',
    'h_sum 0.3',
    'h_count 2',
    'g NaN 1700000000000',
    ''
  ].join('\n'))
  t.equal(families.get('x_total')?.type, 'counter')
  t.same(families.get('x_total')?.samples[0].labels, { a: 'q"uote', b: 'back\\slash\nline' })
  t.equal(families.get('h')?.samples.length, 4)
  t.ok(Number.isNaN(families.get('g')?.samples[0].value))
})

t.test('rejects what Prometheus rejects', async (t) => {
  t.throws(() => parseExposition('1bad 1'), /bad metric name/)
  t.throws(() => parseExposition('x{a=1} 1'), /not quoted/)
  t.throws(() => parseExposition('x{a="1} 1'), /not closed/)
  t.throws(() => parseExposition('x{1a="1"} 1'), /bad label name/)
  t.throws(() => parseExposition('x one'), /not a number/)
  t.throws(() => parseExposition('# TYPE x gauge_ish'), /unknown type/)
  t.throws(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_count 2'), /no \+Inf/)
  t.throws(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2'), /not cumulative/)
})

t.test('reads NaN and Inf in any case, as Prometheus does (prom-client writes Nan)', async (t) => {
  const families = parseExposition('# TYPE lag gauge\nlag Nan\n# TYPE a gauge\na inf\n# TYPE b gauge\nb -INF\n')
  t.ok(Number.isNaN(families.get('lag')?.samples[0].value))
  t.equal(families.get('a')?.samples[0].value, Infinity)
  t.equal(families.get('b')?.samples[0].value, -Infinity)
  t.throws(() => parseExposition('x nanny'), /not a number/)
})
