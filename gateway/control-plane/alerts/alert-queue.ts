/**
 * The bounded in-process queue between a rollback and the sinks. Enqueueing is synchronous and
 * never fails or waits, so the rollback it follows is never held up; sending happens here, on
 * the event loop, one alert at a time per sink (a slow sink holds up only its own alerts, and
 * they arrive in order).
 *
 * A try that fails (no connection, a 5xx, 408, 425 or 429, or no answer within timeoutMs) is
 * tried again after a back-off that doubles from initialDelayMs up to maxDelayMs (or after a
 * longer Retry-After), up to `attempts` tries. An alert is dropped, counted, logged and handed
 * to `onDrop` (the audit trail) when its sink's queue is full, when its tries are used up, when
 * the sink refuses it (a 3xx or another 4xx: trying again cannot help), or at shutdown.
 *
 * A delivery holds the sink's URL and, for a signed webhook, the signature header: neither is
 * ever logged or handed to onDrop, which see the sink by name only.
 */
import type { FastifyBaseLogger } from 'fastify'
import { Agent, request, type Dispatcher } from 'undici'
import type { AlertDropReason, AlertMetrics, AttemptFailure } from './alert-metrics.js'
import type { FormattedAlert } from './sink-formats.js'

export interface DeliveryPolicy {
  timeoutMs: number
  attempts: number
  initialDelayMs: number
  maxDelayMs: number
  /** Deliveries the sink's queue may hold, the one being sent included. */
  queueSize: number
}

export interface DeliveryId {
  alertId: string
  feature: string | null
  /** The sink's name in routes.yaml. */
  sink: string
}

export interface Delivery extends DeliveryId {
  request: FormattedAlert
  policy: DeliveryPolicy
}

export interface DroppedDelivery extends DeliveryId {
  reason: AlertDropReason
  tries: number
  /** What the last try ran into (`timeout after 1500 ms`, `ECONNREFUSED`, `HTTP 503`), or why nothing was tried. */
  detail: string | null
}

export interface AlertQueueOptions {
  metrics: AlertMetrics
  log: FastifyBaseLogger
  onDrop: (dropped: DroppedDelivery) => void
  now?: () => number
}

export interface AlertQueue {
  /** Queues it and returns at once; a full queue drops it (queue_full). */
  enqueue (delivery: Delivery): void
  /** Gives up on an alert before it was queued (misconfigured). */
  drop (id: DeliveryId, reason: AlertDropReason, detail: string): void
  /** Deliveries waiting or being sent, per sink. */
  pending (): Record<string, number>
  /**
   * Stops: retries waiting are dropped (shutdown); a try in flight gets `graceMs` to finish,
   * then is cut and its delivery dropped too.
   */
  close (graceMs?: number): Promise<void>
}

interface Queued extends Delivery {
  tries: number
  notBefore: number
  detail: string | null
}

interface Lane {
  waiting: Queued[]
  sending: { delivery: Queued, abort: AbortController, done: Promise<void> } | undefined
  timer: NodeJS.Timeout | undefined
}

type Outcome = { ok: true } | { ok: false, retry: boolean, failure: AttemptFailure, detail: string, retryAfterMs: number | null }

const RETRYABLE_STATUSES = new Set([408, 425, 429])
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])
export const DEFAULT_CLOSE_GRACE_MS = 1_000

export function backoffMs (policy: DeliveryPolicy, tries: number, retryAfterMs: number | null): number {
  const doubled = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, tries - 1))
  return retryAfterMs === null ? doubled : Math.max(doubled, Math.min(retryAfterMs, policy.maxDelayMs))
}

function retryAfter (value: string | string[] | undefined): number | null {
  const seconds = Number(Array.isArray(value) ? value[0] : value)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null
}

function statusFailure (status: number): AttemptFailure {
  return status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : 'http_3xx'
}

export function createAlertQueue (options: AlertQueueOptions): AlertQueue {
  const { metrics, log, onDrop } = options
  const now = options.now ?? Date.now
  const lanes = new Map<string, Lane>()
  // Its own pool: the sinks' connections are not the upstreams', and close() can cut them.
  const dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 4 })
  let closed = false

  const laneOf = (sink: string): Lane => {
    let lane = lanes.get(sink)
    if (lane === undefined) lanes.set(sink, lane = { waiting: [], sending: undefined, timer: undefined })
    return lane
  }
  const size = (lane: Lane): number => lane.waiting.length + (lane.sending === undefined ? 0 : 1)
  const count = (sink: string, lane: Lane): void => metrics.queued(sink, size(lane))

  function drop (id: DeliveryId, reason: AlertDropReason, tries: number, detail: string | null): void {
    metrics.dropped(id.sink, reason)
    log.warn({ sink: id.sink, alertId: id.alertId, feature: id.feature, reason, tries, detail }, 'alert dropped')
    try {
      onDrop({ alertId: id.alertId, feature: id.feature, sink: id.sink, reason, tries, detail })
    } catch (err) {
      log.error({ err }, 'recording a dropped rollback alert failed')
    }
  }

  async function attempt (delivery: Queued, abort: AbortController): Promise<Outcome> {
    const { timeoutMs } = delivery.policy
    const timer = setTimeout(() => abort.abort(), timeoutMs)
    try {
      const res = await request(delivery.request.url, {
        method: 'POST',
        headers: delivery.request.headers,
        body: delivery.request.body,
        signal: abort.signal,
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs
      })
      // The answer is read (and bounded by the same timer): a sink is done when it has answered.
      await res.body.dump({ limit: 64 * 1024 })
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true }
      const retry = res.statusCode >= 500 || RETRYABLE_STATUSES.has(res.statusCode)
      return { ok: false, retry, failure: statusFailure(res.statusCode), detail: `HTTP ${res.statusCode}`, retryAfterMs: retry ? retryAfter(res.headers['retry-after']) : null }
    } catch (err) {
      if (abort.signal.aborted) return { ok: false, retry: true, failure: 'timeout', detail: `no answer within ${timeoutMs} ms`, retryAfterMs: null }
      // The code only: an error's message may carry the address.
      const code = String((err as { code?: unknown }).code ?? (err as Error).name ?? 'Error')
      return { ok: false, retry: true, failure: CONNECT_CODES.has(code) ? 'connect' : 'network', detail: code, retryAfterMs: null }
    } finally {
      clearTimeout(timer)
    }
  }

  function settle (lane: Lane, delivery: Queued, outcome: Outcome): void {
    lane.sending = undefined
    if (closed) {
      if (outcome.ok) metrics.sent(delivery.sink)
      else drop(delivery, 'shutdown', delivery.tries, outcome.detail)
      count(delivery.sink, lane)
      return
    }
    if (outcome.ok) {
      metrics.sent(delivery.sink)
      log.info({ sink: delivery.sink, alertId: delivery.alertId, feature: delivery.feature, tries: delivery.tries }, 'alert sent')
    } else {
      metrics.failedAttempt(delivery.sink, outcome.failure)
      delivery.detail = outcome.detail
      if (!outcome.retry) {
        drop(delivery, 'rejected', delivery.tries, outcome.detail)
      } else if (delivery.tries >= delivery.policy.attempts) {
        drop(delivery, 'retries_exhausted', delivery.tries, outcome.detail)
      } else {
        const waitMs = backoffMs(delivery.policy, delivery.tries, outcome.retryAfterMs)
        delivery.notBefore = now() + waitMs
        // Back at the head: the sink's alerts stay in order.
        lane.waiting.unshift(delivery)
        log.warn({ sink: delivery.sink, alertId: delivery.alertId, tries: delivery.tries, failure: outcome.failure, detail: outcome.detail, retryInMs: waitMs }, 'alert: a try failed; it is tried again')
      }
    }
    count(delivery.sink, lane)
    pump(lane)
  }

  function pump (lane: Lane): void {
    if (closed || lane.sending !== undefined || lane.timer !== undefined) return
    const next = lane.waiting[0]
    if (next === undefined) return
    const waitMs = next.notBefore - now()
    if (waitMs > 0) {
      lane.timer = setTimeout(() => { lane.timer = undefined; pump(lane) }, waitMs)
      return
    }
    lane.waiting.shift()
    next.tries++
    const abort = new AbortController()
    const done = attempt(next, abort)
      .catch((err: unknown): Outcome => {
        // attempt() turns every failure into an outcome; this is a bug, not a sink failing.
        log.error({ err }, 'alert: sending failed unexpectedly')
        return { ok: false, retry: true, failure: 'network', detail: 'internal error', retryAfterMs: null }
      })
      .then((outcome) => settle(lane, next, outcome))
      .catch((err: unknown) => log.error({ err }, 'alert: after a try, the queue failed'))
    lane.sending = { delivery: next, abort, done }
  }

  return {
    enqueue (delivery) {
      if (closed) {
        drop(delivery, 'shutdown', 0, 'the gateway is shutting down')
        return
      }
      const lane = laneOf(delivery.sink)
      if (size(lane) >= delivery.policy.queueSize) {
        drop(delivery, 'queue_full', 0, `${size(lane)} alerts already wait for this sink`)
        return
      }
      lane.waiting.push({ ...delivery, tries: 0, notBefore: 0, detail: null })
      count(delivery.sink, lane)
      pump(lane)
    },
    drop (id, reason, detail) {
      drop(id, reason, 0, detail)
    },
    pending () {
      return Object.fromEntries([...lanes].map(([sink, lane]) => [sink, size(lane)]))
    },
    async close (graceMs = DEFAULT_CLOSE_GRACE_MS) {
      if (closed) return
      closed = true
      const inFlight: Array<Promise<void>> = []
      for (const [sink, lane] of lanes) {
        clearTimeout(lane.timer)
        lane.timer = undefined
        for (const delivery of lane.waiting.splice(0)) drop(delivery, 'shutdown', delivery.tries, delivery.detail)
        count(sink, lane)
        if (lane.sending !== undefined) inFlight.push(lane.sending.done)
      }
      if (inFlight.length > 0) {
        let timer: NodeJS.Timeout | undefined
        await Promise.race([Promise.all(inFlight), new Promise((resolve) => { timer = setTimeout(resolve, graceMs) })])
        clearTimeout(timer)
        for (const lane of lanes.values()) lane.sending?.abort.abort()
        await Promise.all(inFlight)
      }
      await dispatcher.destroy()
    }
  }
}
