/**
 * The gateway's own pressure, for shedding shadows (`shadow.protect`): the p99 event-loop delay
 * over the last window, from perf_hooks.monitorEventLoopDelay. A timer (unref'd) reads the
 * histogram's p99 once per window and resets it, so the live path only reads a boolean.
 * With `eventLoopDelayMs` 0 nothing is monitored and the gateway is never under pressure.
 *
 * The p99 is over the monitor's ticks (one per 10 ms of a free loop), so a window of 1 s sees a
 * single long stall (one tick among ~100) as its p99; a stall spanning a window's start is seen
 * less well (Node's first tick after a reset only takes a timestamp).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

export interface ShadowPressure {
  /** True while the last window's p99 was above the budget: new shadows are shed. */
  readonly high: boolean
  /** The last window's p99 event-loop delay in ms (0 before the first window, or when off). */
  readonly p99Ms: number
  /** The budget in ms; 0: off. */
  readonly limitMs: number
  /** Closes the window now (the timer does it every windowMs); tests call it to not wait. */
  sample: () => void
  close: () => void
}

/** The histogram's resolution: fine enough for budgets of tens of ms, ~100 wake-ups a second. */
const RESOLUTION_MS = 10

/** `onHigh` runs each time a window's p99 goes over the budget from under it (the runner sheds its queue). */
export function createShadowPressure (options: { eventLoopDelayMs: number, windowMs: number }, onHigh?: () => void): ShadowPressure {
  const limitMs = options.eventLoopDelayMs
  let high = false
  let p99Ms = 0
  let histogram: IntervalHistogram | undefined
  let timer: NodeJS.Timeout | undefined
  const sample = (): void => {
    // No delay recorded yet in this window (the loop was blocked all along, or it just began):
    // the last reading stands; the blocked tick is recorded once the loop turns again.
    if (histogram === undefined || histogram.count === 0) return
    p99Ms = histogram.percentile(99) / 1e6
    histogram.reset()
    const was = high
    high = p99Ms > limitMs
    if (high && !was) onHigh?.()
  }
  if (limitMs > 0) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    histogram.enable()
    timer = setInterval(sample, options.windowMs)
    timer.unref()
  }
  return {
    get high () { return high },
    get p99Ms () { return p99Ms },
    limitMs,
    sample,
    close () {
      clearInterval(timer)
      histogram?.disable()
      histogram = undefined
      high = false
    }
  }
}
