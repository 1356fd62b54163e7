/**
 * The alert queue's metrics, registered on the gateway's own registry (app.metrics.registry)
 * from here, as the rollout's are: counted by the replica that sent (or dropped) the alert.
 * `sink` is the sink's name in routes.yaml, never its URL.
 */
import { Counter, Gauge, type Registry } from 'prom-client'

/** Why an alert was given up on for a sink. */
export type AlertDropReason = 'queue_full' | 'retries_exhausted' | 'rejected' | 'misconfigured' | 'shutdown'

/** What went wrong with one try: no answer in time, no connection, another network error, or the status class. */
export type AttemptFailure = 'timeout' | 'connect' | 'network' | 'http_3xx' | 'http_4xx' | 'http_5xx'

export const ALERT_DROP_REASONS: readonly AlertDropReason[] = ['queue_full', 'retries_exhausted', 'rejected', 'misconfigured', 'shutdown']

export interface AlertMetrics {
  sent (sink: string): void
  failedAttempt (sink: string, cause: AttemptFailure): void
  dropped (sink: string, reason: AlertDropReason): void
  queued (sink: string, size: number): void
}

export function createAlertMetrics (registry: Registry): AlertMetrics {
  const registers = [registry]
  const sent = new Counter({ name: 'app_alerts_sent_total', help: 'Rollback alerts a sink accepted (2xx).', labelNames: ['sink'] as const, registers })
  const failed = new Counter({
    name: 'app_alerts_failed_attempts_total',
    help: 'Tries to send a rollback alert that failed: timeout, connect, network, http_3xx, http_4xx, http_5xx.',
    labelNames: ['sink', 'cause'] as const,
    registers
  })
  const dropped = new Counter({
    name: 'app_alerts_dropped_total',
    help: 'Rollback alerts given up on: queue_full, retries_exhausted, rejected (a 3xx or 4xx), misconfigured, shutdown.',
    labelNames: ['sink', 'reason'] as const,
    registers
  })
  const queued = new Gauge({ name: 'app_alerts_queued', help: 'Rollback alerts waiting for a sink, the one being sent included.', labelNames: ['sink'] as const, registers })
  return {
    sent: (sink) => sent.inc({ sink }),
    failedAttempt: (sink, cause) => failed.inc({ sink, cause }),
    dropped: (sink, reason) => dropped.inc({ sink, reason }),
    queued: (sink, size) => queued.set({ sink }, size)
  }
}
