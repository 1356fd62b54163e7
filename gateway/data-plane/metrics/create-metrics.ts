/**
 * Every gateway metric, from one factory with its own registry (STYLE point 9), so two gateways
 * in one process (tests) never share counters and nothing leaks into prom-client's global one.
 * Labels are route templates, features, upstream names and bounded codes: never raw paths or ids.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Seconds; spans a fast cached answer to a slow LLM call. */
export const REQUEST_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export type ServiceVersion = 'old' | 'new'

export interface GatewayMetrics {
  registry: Registry
  requests: Counter<'endpoint' | 'method' | 'status'>
  duration: Histogram<'endpoint' | 'service_version'>
  activeSessions: Gauge
  memory: Gauge
  shadow: {
    /** Requests sampled for a shadow; each ends once as compared, dropped or errored. */
    sampled: Counter<'feature'>
    /** Sampled shadows with a verdict on content (equal or different). */
    compared: Counter<'feature'>
    /** Sampled shadows that ran but gave no verdict (new failed or timed out, too large, undecodable). */
    errored: Counter<'feature'>
    /** Sampled, not yet ended (queued or running): sampled - compared - dropped - errored. */
    pending: Gauge<'feature'>
    /** compared / sampled since the process started. */
    coverage: Gauge<'feature'>
    sent: Counter<'feature'>
    /** reason: queue_full, body_too_large, ... (a small fixed set chosen by the shadow plugin). */
    dropped: Counter<'feature' | 'reason'>
    timedOut: Counter<'feature'>
  }
  /** One per difference found by a shadow comparison, by its kind (changed, missing, status, ...). */
  diffs: Counter<'feature' | 'kind'>
  /** One per compared shadow pair, by verdict (equal, different, too_large, error). */
  comparisons: Counter<'feature' | 'verdict'>
  fallbacks: Counter<'feature' | 'cause'>
  upstreamErrors: Counter<'upstream' | 'code'>
  /** Requests a tester's pin sent to a side (not counted in the report's live figures). */
  pinned: Counter<'feature' | 'side'>
  /** Pins that were ignored: invalid, expired, other_feature, disabled. */
  pinsIgnored: Counter<'reason'>
  /** result: ok | rejected. */
  configReloads: Counter<'result'>
}

export interface MetricsOptions {
  /** Node's own process metrics (process_resident_memory_bytes, event loop lag, ...). Default true. */
  defaultMetrics?: boolean
  /** Reads the distinct-session count at scrape time. */
  activeSessions?: () => number
  /** Reads the shadow runner's byte budget and pressure at scrape time. */
  shadowState?: () => { bufferedBytes: number, eventLoopDelayP99Ms: number, shedding: boolean, admitted: number, p95Ms: number, baselineP95Ms: number }
}

export function createMetrics (options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry()
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const readSessions = options.activeSessions ?? (() => 0)
  const readShadow = options.shadowState
  if (readShadow !== undefined) {
    // Read at scrape time; the registry holds them.
    const gauge = (name: string, help: string, read: () => number): Gauge =>
      new Gauge({ name, help, registers, collect () { this.set(read()) } })
    gauge('app_shadow_buffered_bytes', 'Bytes shadows hold now (mirrored request bodies, captured legacy answers), against shadow.maxBufferedBytes.', () => readShadow().bufferedBytes)
    gauge('app_shadow_event_loop_delay_p99_seconds', 'The gateway\'s p99 event-loop delay over the last shadow.protect window (0 when protect is off).', () => readShadow().eventLoopDelayP99Ms / 1000)
    gauge('app_shadow_shedding', '1 while new shadows are shed for the gateway\'s own pressure (shadow.protect), else 0.', () => readShadow().shedding ? 1 : 0)
    gauge('app_shadow_admitted_ratio', 'The share of sampled shadows admitted now under shadow.protect (1 when nothing is shed).', () => readShadow().admitted)
    gauge('app_shadow_protect_p95_seconds', 'The users\' p95 over the last window shadow.protect.p95Ratio judged (0 when off).', () => readShadow().p95Ms / 1000)
    gauge('app_shadow_protect_baseline_p95_seconds', 'The users\' p95 in the last shadow-free window, the baseline of shadow.protect.p95Ratio (0 when off).', () => readShadow().baselineP95Ms / 1000)
  }

  return {
    registry,
    requests: new Counter({
      name: 'app_requests_total',
      help: 'Requests answered by the gateway, by route template (or "unmatched"), method and status.',
      labelNames: ['endpoint', 'method', 'status'] as const,
      registers
    }),
    duration: new Histogram({
      name: 'app_request_duration_seconds',
      help: 'Proxied request duration as the client saw it; service_version old = legacy (or fallback), new = new service.',
      labelNames: ['endpoint', 'service_version'] as const,
      buckets: REQUEST_DURATION_BUCKETS_SECONDS,
      registers
    }),
    activeSessions: new Gauge({
      name: 'app_active_sessions',
      help: 'Distinct session cookies seen in the last few minutes (hashed, bounded per minute).',
      registers,
      collect () { this.set(readSessions()) }
    }),
    memory: new Gauge({
      name: 'app_memory_usage_bytes',
      help: 'Resident set size of the gateway process.',
      registers,
      collect () { this.set(process.memoryUsage.rss()) }
    }),
    shadow: {
      sampled: new Counter({ name: 'app_shadow_requests_sampled_total', help: 'Requests sampled for a shadow; each ends once as compared, dropped or errored.', labelNames: ['feature'] as const, registers }),
      compared: new Counter({ name: 'app_shadow_requests_compared_total', help: 'Sampled shadows compared to a verdict on content (equal or different).', labelNames: ['feature'] as const, registers }),
      errored: new Counter({ name: 'app_shadow_requests_errored_total', help: 'Sampled shadows that ran but gave no verdict: new failed or timed out, a body too large or undecodable, an internal failure.', labelNames: ['feature'] as const, registers }),
      pending: new Gauge({ name: 'app_shadow_requests_pending', help: 'Sampled shadows not ended yet (queued or running).', labelNames: ['feature'] as const, registers }),
      coverage: new Gauge({ name: 'app_shadow_coverage_ratio', help: 'Compared / sampled shadows since the process started.', labelNames: ['feature'] as const, registers }),
      sent: new Counter({ name: 'app_shadow_requests_sent_total', help: 'Shadow requests sent to the new service.', labelNames: ['feature'] as const, registers }),
      dropped: new Counter({ name: 'app_shadow_requests_dropped_total', help: 'Shadows not sent or not compared, by reason: a full budget, a body over its cap, a failed primary, a stateful snapshot that could not be taken, the process shutting down, the gateway under pressure, the byte budget, or a client gone before the shadow started.', labelNames: ['feature', 'reason'] as const, registers }),
      timedOut: new Counter({ name: 'app_shadow_requests_timed_out_total', help: 'Shadow requests the new service did not answer in time.', labelNames: ['feature'] as const, registers })
    },
    diffs: new Counter({ name: 'app_diffs_total', help: 'Differences found between legacy and new responses, by kind.', labelNames: ['feature', 'kind'] as const, registers }),
    comparisons: new Counter({ name: 'app_shadow_comparisons_total', help: 'Compared shadow pairs, by verdict.', labelNames: ['feature', 'verdict'] as const, registers }),
    fallbacks: new Counter({ name: 'app_fallbacks_total', help: 'Requests the new service failed and legacy served instead.', labelNames: ['feature', 'cause'] as const, registers }),
    upstreamErrors: new Counter({ name: 'app_upstream_errors_total', help: 'Failed upstream calls, by upstream and error code.', labelNames: ['upstream', 'code'] as const, registers }),
    pinned: new Counter({ name: 'app_pinned_requests_total', help: 'Requests a tester pin sent to a side, whatever the flag and canary said.', labelNames: ['feature', 'side'] as const, registers }),
    pinsIgnored: new Counter({ name: 'app_pins_ignored_total', help: 'Tester pins ignored, by reason (invalid, expired, other_feature, disabled).', labelNames: ['reason'] as const, registers }),
    configReloads: new Counter({ name: 'app_config_reloads_total', help: 'routes.yaml reloads, by result (ok or rejected).', labelNames: ['result'] as const, registers })
  }
}
