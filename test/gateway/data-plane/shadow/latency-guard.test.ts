/**
 * The latency guard (shadow.protect.p95Ratio), driven window by window with made-up latencies:
 * it measures the users' shadow-free p95 in windows with no shadow admitted, halves the share of
 * shadows it admits when the users' p95 goes over the budget and adds to it while it stays
 * within, and judges nothing on too few requests.
 */
import t from 'tap'
import { LatencyGuard, MIN_SAMPLES, STEP } from '../../../../gateway/data-plane/shadow/latency-guard.js'
import { LatencyWindow } from '../../../../gateway/data-plane/shadow/latency-window.js'

/** A window of `n` requests of `ms` each, `offered` shadows asked; returns how many were admitted. */
function window (guard: LatencyGuard, ms: number, offered = 0, n = MIN_SAMPLES): number {
  let admitted = 0
  for (let i = 0; i < offered; i++) if (guard.admit()) admitted++
  for (let i = 0; i < n; i++) guard.observe(ms)
  return admitted
}

t.test('the latency window\'s percentiles are within its 4 % buckets', async (t) => {
  const w = new LatencyWindow()
  t.equal(w.percentile(0.95), 0, 'nothing recorded: 0')
  for (let i = 1; i <= 1000; i++) w.record(i / 10)
  t.equal(w.count, 1000)
  const p95 = w.percentile(0.95)
  t.ok(p95 >= 95 && p95 <= 95 * 1.04, `p95 ${p95} of 0.1..100 ms`)
  const p50 = w.percentile(0.5)
  t.ok(p50 >= 50 && p50 <= 50 * 1.04, `p50 ${p50}`)
  w.reset()
  t.equal(w.count, 0)
  w.record(0)
  t.ok(w.percentile(1) <= 0.01, 'a zero lands in the lowest bucket')
})

t.test('before it has judged anything, every shadow is admitted; too few requests judge nothing', async (t) => {
  const guard = new LatencyGuard({ p95Ratio: 1.1, baselineEveryMs: 60_000 })
  t.equal(window(guard, 50, 10, MIN_SAMPLES - 1), 10, 'all admitted')
  t.equal(guard.closeWindow(1_000, 0.3), false)
  t.equal(guard.phase, 'starting', 'a window of too few requests changes nothing')
  t.equal(guard.admitted, 1)
  t.equal(guard.p95Ms, 0)
})

t.test('the first judged window starts a baseline: no shadow for two windows, then a slow start', async (t) => {
  const guard = new LatencyGuard({ p95Ratio: 1.1, baselineEveryMs: 60_000 })
  window(guard, 5, 10)
  guard.closeWindow(1_000, 0.3)
  t.equal(guard.phase, 'baseline')
  t.equal(guard.admitted, 0)
  t.equal(window(guard, 2, 10), 0, 'no shadow admitted while the baseline is taken')
  guard.closeWindow(2_000, 0.3)
  t.equal(guard.baselineMs, 0, 'one quiet window is not enough: earlier shadows may still run')
  window(guard, 2, 10)
  guard.closeWindow(3_000, 0.3)
  t.ok(guard.baselineMs >= 2 && guard.baselineMs <= 2 * 1.04, `baseline ${guard.baselineMs} ms`)
  t.equal(guard.phase, 'admitting')
  t.equal(guard.admitted, STEP, 'admission starts from one step')
})

/** A guard past its first baseline of 2 ms, admitting STEP. */
function admitting (baselineEveryMs = 60_000): LatencyGuard {
  const guard = new LatencyGuard({ p95Ratio: 1.5, baselineEveryMs })
  window(guard, 5, 1)
  guard.closeWindow(1_000, 0.3)
  window(guard, 2)
  guard.closeWindow(2_000, 0.3)
  window(guard, 2)
  guard.closeWindow(3_000, 0.3)
  return guard
}

t.test('within budget the share rises by a step, spread evenly; over it, the share halves', async (t) => {
  const guard = admitting()
  window(guard, 2, 100)
  t.equal(guard.closeWindow(4_000, 0.3), false, 'within budget: nothing to shed')
  t.equal(guard.admitted, 2 * STEP)
  let run = 0
  let longest = 0
  const pattern: boolean[] = []
  for (let i = 0; i < 100; i++) {
    const admitted = guard.admit()
    pattern.push(admitted)
    run = admitted ? 0 : run + 1
    longest = Math.max(longest, run)
  }
  t.equal(pattern.filter(Boolean).length, 10, '10 % of 100 shadows admitted')
  t.ok(longest <= 10, 'spread evenly: no more than 9 shed in a row')
  for (let i = 0; i < MIN_SAMPLES; i++) guard.observe(2)
  guard.closeWindow(5_000, 0.3)
  t.equal(guard.admitted, 3 * STEP)

  window(guard, 3.5, 10)
  t.equal(guard.closeWindow(6_000, 0.3), true, 'p95 3.5 ms over 2 ms x 1.5: over budget, the queue is to be shed')
  t.equal(guard.admitted, 1.5 * STEP, 'halved')
  t.ok(guard.p95Ms >= 3.5, 'the window\'s p95 is kept')
  for (let i = 0; i < 3; i++) {
    window(guard, 3.5, 100)
    guard.closeWindow(7_000 + i, 0.3)
  }
  t.equal(guard.admitted, 0, 'halving under 1 % admits none')
})

t.test('a guard that had to stop every shadow learns the new shadow-free p95 and admits again', async (t) => {
  const guard = admitting()
  for (let i = 0; i < 4; i++) {
    window(guard, 10, 100)
    guard.closeWindow(4_000 + i * 1_000, 0.3)
  }
  t.equal(guard.admitted, 0, 'the users are slower (the upstream, say): every shadow stopped')
  window(guard, 10, 100)
  guard.closeWindow(9_000, 0.3)
  t.ok(guard.baselineMs >= 10 && guard.baselineMs <= 10.4, `after two windows with no shadow, the baseline is the slower p95 (${guard.baselineMs})`)
  t.equal(guard.admitted, STEP, 'within the new budget: admission starts again')
  window(guard, 10, 100)
  guard.closeWindow(10_000, 0.3)
  t.equal(guard.admitted, 2 * STEP, 'and climbs')
})

t.test('every baselineEveryMs a baseline is taken again, then admission resumes where it was', async (t) => {
  const guard = admitting(10_000)
  for (let i = 0; i < 4; i++) {
    window(guard, 2, 100)
    guard.closeWindow(4_000 + i * 1_000, 0.3)
  }
  const share = guard.admitted
  t.ok(Math.abs(share - 5 * STEP) < 1e-9)
  window(guard, 2, 100)
  guard.closeWindow(13_000, 0.3)
  t.equal(guard.phase, 'baseline', 'the interval is over')
  t.equal(guard.admitted, 0)
  window(guard, 1, 100)
  guard.closeWindow(14_000, 0.3)
  window(guard, 1, 100)
  guard.closeWindow(15_000, 0.3)
  t.ok(guard.baselineMs <= 1.04, 'the new baseline')
  t.equal(guard.admitted, share, 'resumed')
})

t.test('a share no shadow used does not grow', async (t) => {
  const guard = admitting()
  window(guard, 2)
  guard.closeWindow(4_000, 0.3)
  t.equal(guard.admitted, STEP, 'no shadow sampled in the window: the share stays')
})

t.test('a loop busier than the baseline allows is over budget, even when the gateway\'s own times look fine', async (t) => {
  const guard = new LatencyGuard({ p95Ratio: 1.1, baselineEveryMs: 60_000 })
  window(guard, 2, 1)
  guard.closeWindow(1_000, 0.5)
  window(guard, 2)
  guard.closeWindow(2_000, 0.5)
  window(guard, 2)
  guard.closeWindow(3_000, 0.5)
  t.equal(guard.baselineUtilisation, 0.5, 'the shadow-free utilisation')
  window(guard, 2, 100)
  t.equal(guard.closeWindow(4_000, 0.54), false, '0.54 is within 1 - 0.5 / 1.1 = 0.545')
  window(guard, 2, 100)
  t.equal(guard.closeWindow(5_000, 0.56), true, '0.56 is over it: the users queue for the loop')
  t.equal(guard.utilisation, 0.56)
})

t.test('a saturated loop is never a baseline and always over budget', async (t) => {
  const guard = new LatencyGuard({ p95Ratio: 1.1, baselineEveryMs: 60_000 })
  window(guard, 2, 1)
  t.equal(guard.closeWindow(1_000, 0.99), true, 'saturated on the first judged window: shed the queue, take a baseline')
  t.equal(guard.admitted, 0)
  for (let i = 0; i < 3; i++) {
    window(guard, 2)
    guard.closeWindow(2_000 + i * 1_000, 0.99)
  }
  t.equal(guard.baselineMs, 0, 'saturated without shadows too (a backlog draining, or live traffic alone): no baseline')
  t.equal(guard.phase, 'baseline', 'and no shadow while it lasts')
  window(guard, 2)
  guard.closeWindow(5_000, 0.4)
  t.equal(guard.baselineUtilisation, 0.4, 'the first calm window without shadows is the baseline')
  t.equal(guard.admitted, STEP)
})
