/**
 * The shadows' latency guard (`shadow.protect.p95Ratio`): the share of sampled shadows admitted,
 * which falls when the users would feel the shadows and rises again when they would not. Each
 * window is judged on two signals against the same signals without shadows (the baseline):
 *
 * - the users' p95, the gateway's own time per proxied request, at most p95Ratio x its baseline;
 * - the event loop's utilisation (performance.eventLoopUtilization). A request waits for a busy
 *   loop before the gateway sees it, and a client with a few keep-alive connections queues
 *   behind them, so a saturated gateway can look fast to itself. The time through a loop busy a
 *   share u of the time grows as 1 / (1 - u) (a single-server queue), so the users' latency stays
 *   within p95Ratio while u <= 1 - (1 - u0) / p95Ratio, u0 the baseline's. A window over 0.95
 *   is saturated: it is over budget whatever the baseline, and never a baseline itself.
 *
 * - The baseline is measured, not guessed: a window in which no shadow was admitted, after
 *   another such window (the earlier shadows have had a window to finish), is a shadow-free
 *   window, and its p95 is the baseline. Every `baselineEveryMs` the guard admits no shadow for
 *   two windows to take one; so does the first window with traffic enough to judge. Envoy's
 *   adaptive concurrency filter measures its ideal latency the same way, by letting little
 *   through for a moment at an interval.
 * - After each window with traffic enough to judge (MIN_SAMPLES requests): over budget
 *   (p95 > baseline x p95Ratio), the admitted share halves, and the queued shadows are shed;
 *   within it, the share rises by STEP (additive increase, multiplicative decrease, as TCP), if
 *   some shadow used it or none was admitted at all.
 * - A window with fewer requests judges nothing and changes nothing. Before the first baseline,
 *   every shadow is admitted: with so little traffic, shadows cost the users nothing.
 *
 * Admission is spread evenly: each sampled shadow adds the share to a credit and is admitted when
 * the credit reaches one, so 25 % admits every fourth, not runs of them.
 *
 * Closed windows are driven from outside (shadow-pressure.ts's timer, or a test), with the time.
 */
import { LatencyWindow } from './latency-window.js'

/** Fewer requests than this in a window: its p95 says too little to act on. */
export const MIN_SAMPLES = 50
/** The share added after a window within budget. */
export const STEP = 0.05
/** Below this share the guard admits none (halving would never reach zero). */
const FLOOR = 0.01
/** A loop busier than this is saturated. */
const SATURATED = 0.95

export interface LatencyGuardOptions {
  /** The users' p95 may be at most this multiple of their shadow-free p95; 0: off. */
  p95Ratio: number
  /** How often a baseline is taken, in ms. */
  baselineEveryMs: number
}

export type GuardPhase = 'starting' | 'baseline' | 'admitting'

export class LatencyGuard {
  /** The share of sampled shadows admitted now, 0 to 1. */
  admitted = 1
  /** The users' p95 over the last window with traffic enough to judge, ms (0 before one). */
  p95Ms = 0
  /** The last shadow-free p95, ms (0 before one was taken). */
  baselineMs = 0
  /** The event loop's utilisation over the last judged window, and in the last shadow-free one. */
  utilisation = 0
  baselineUtilisation = 0
  phase: GuardPhase = 'starting'

  readonly #options: LatencyGuardOptions
  readonly #window = new LatencyWindow()
  #credit = 0
  /** Shadows admitted since the window opened. */
  #admittedInWindow = 0
  /** Windows in a row in which no shadow was admitted. */
  #quietWindows = 0
  /** The share to go back to once a periodic baseline is taken. */
  #resume = STEP
  #nextBaselineAt = 0

  constructor (options: LatencyGuardOptions) {
    this.#options = options
  }

  /** One user's request took `ms` (the gateway's own time, from its arrival to its last byte). */
  observe (ms: number): void {
    this.#window.record(ms)
  }

  /** Whether this sampled shadow may run; false: shed (`pressure`). */
  admit (): boolean {
    if (this.admitted >= 1) {
      this.#admittedInWindow++
      return true
    }
    if (this.admitted <= 0) return false
    this.#credit += this.admitted
    if (this.#credit < 1) return false
    this.#credit -= 1
    this.#admittedInWindow++
    return true
  }

  /**
   * Closes the window at time `now` (ms), in which the event loop was busy a share `utilisation`
   * of the time; true when the users were over budget (the caller sheds the queue).
   */
  closeWindow (now: number, utilisation: number): boolean {
    const requests = this.#window.count
    const p95 = this.#window.percentile(0.95)
    this.#window.reset()
    const used = this.#admittedInWindow > 0
    this.#quietWindows = used ? 0 : this.#quietWindows + 1
    this.#admittedInWindow = 0
    if (requests < MIN_SAMPLES) return false
    this.p95Ms = p95
    this.utilisation = utilisation
    const saturated = utilisation > SATURATED

    if (this.#quietWindows >= 2 && !saturated) {
      // Shadow-free: the baseline, whatever the phase. A guard that had to stop every shadow learns
      // here what the users' latency is without them now (traffic grows, upstreams slow down).
      this.baselineMs = p95
      this.baselineUtilisation = utilisation
      this.#nextBaselineAt = now + this.#options.baselineEveryMs
      if (this.phase !== 'admitting') {
        this.phase = 'admitting'
        this.admitted = this.#resume
        this.#credit = 0
        return false
      }
    }
    if (this.phase === 'baseline') return false
    if (this.phase === 'starting' || now >= this.#nextBaselineAt) {
      // The first baseline slow-starts from STEP; a periodic one resumes where the guard was.
      this.#resume = this.phase === 'starting' ? STEP : this.admitted
      this.phase = 'baseline'
      this.admitted = 0
      return saturated
    }
    const ratio = this.#options.p95Ratio
    if (saturated || p95 > this.baselineMs * ratio || utilisation > 1 - (1 - this.baselineUtilisation) / ratio) {
      this.admitted = this.admitted / 2 < FLOOR ? 0 : this.admitted / 2
      return true
    }
    // A share no shadow used (none was sampled) proved nothing: it only grows from a stop.
    if (used || this.admitted === 0) this.admitted = Math.min(1, this.admitted + STEP)
    return false
  }
}
