/**
 * The gateway's own pressure, for shedding shadows (`shadow.protect`), from two signals read once
 * per window by an unref'd timer, so the live path reads a boolean or adds to a credit:
 *
 * - `eventLoopDelayMs`: the p99 event-loop delay over the last window, from
 *   perf_hooks.monitorEventLoopDelay. Over the budget, every new shadow is shed. The histogram
 *   records the whole time between the monitor's ticks, its own resolution included (an idle loop
 *   reads ~10 ms at a 10 ms resolution), so the resolution is taken off: the figure is the delay.
 *   A window of 1 s sees a single long stall (one tick among ~100) as its p99; a stall spanning a
 *   window's start is seen less well (Node's first tick after a reset only takes a timestamp).
 * - `p95Ratio`: the users' p95 and the event loop's utilisation against their shadow-free values
 *   (latency-guard.ts), which set the share of sampled shadows admitted.
 *
 * With both 0 nothing is monitored and every shadow is admitted.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks'
import { LatencyGuard } from './latency-guard.js'

export interface ShadowPressure {
  /** True while the last window's p99 event-loop delay was over its budget: every new shadow is shed. */
  readonly high: boolean
  /** The last window's p99 event-loop delay in ms (0 before the first window, or when off). */
  readonly p99Ms: number
  /** The event-loop budget in ms; 0: off. */
  readonly limitMs: number
  /** The share of sampled shadows admitted now (1 with p95Ratio off), 0 while `high`. */
  readonly admitted: number
  /** The users' p95 over the last judged window and their shadow-free p95, ms (0 when off, or not yet measured). */
  readonly p95Ms: number
  readonly baselineP95Ms: number
  /** Whether this sampled shadow may run now; false: it is shed (`pressure`). */
  admit: () => boolean
  /** One user's proxied request took `ms`; a no-op with p95Ratio off. */
  observe: (ms: number) => void
  /** True when the latency guard is on: the caller feeds `observe`. */
  readonly watchesLatency: boolean
  /** Closes the window now (the timer does it every windowMs); tests call it to not wait. */
  sample: () => void
  close: () => void
}

export interface ShadowPressureOptions {
  eventLoopDelayMs: number
  p95Ratio: number
  baselineEveryMs: number
  windowMs: number
}

/** The histogram's resolution: fine enough for budgets of tens of ms, ~100 wake-ups a second. */
const RESOLUTION_MS = 10

/**
 * `onShed` runs when a window goes over a budget: the loop delay's from under it, or the users'
 * latency (the runner sheds its queue).
 */
export function createShadowPressure (options: ShadowPressureOptions, onShed?: () => void): ShadowPressure {
  const limitMs = options.eventLoopDelayMs
  const guard = options.p95Ratio > 0 ? new LatencyGuard(options) : undefined
  let high = false
  let p99Ms = 0
  let histogram: IntervalHistogram | undefined
  let timer: NodeJS.Timeout | undefined
  const readLoopDelay = (): boolean => {
    // No delay recorded yet in this window (the loop was blocked all along, or it just began):
    // the last reading stands; the blocked tick is recorded once the loop turns again.
    if (histogram === undefined || histogram.count === 0) return false
    p99Ms = Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS)
    histogram.reset()
    const was = high
    high = p99Ms > limitMs
    return high && !was
  }
  let busy = performance.eventLoopUtilization()
  const sample = (): void => {
    const loopRose = readLoopDelay()
    let latencyOver = false
    if (guard !== undefined) {
      const now = performance.eventLoopUtilization()
      latencyOver = guard.closeWindow(performance.now(), performance.eventLoopUtilization(now, busy).utilization)
      busy = now
    }
    if (loopRose || latencyOver) onShed?.()
  }
  if (limitMs > 0) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    histogram.enable()
  }
  if (limitMs > 0 || guard !== undefined) {
    timer = setInterval(sample, options.windowMs)
    timer.unref()
  }
  return {
    get high () { return high },
    get p99Ms () { return p99Ms },
    limitMs,
    get admitted () { return high ? 0 : guard?.admitted ?? 1 },
    get p95Ms () { return guard?.p95Ms ?? 0 },
    get baselineP95Ms () { return guard?.baselineMs ?? 0 },
    admit: () => !high && (guard === undefined || guard.admit()),
    observe: (ms) => { guard?.observe(ms) },
    watchesLatency: guard !== undefined,
    sample,
    close () {
      clearInterval(timer)
      histogram?.disable()
      histogram = undefined
      high = false
    }
  }
}
