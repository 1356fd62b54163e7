/**
 * What the gateway traces with, made by the process (runtime/tracing.ts) only when OTLP export is
 * configured. Without it buildGateway loads nothing of this folder and registers no hook.
 */
import type { TextMapPropagator, Tracer } from '@opentelemetry/api'

export interface GatewayTracing {
  tracer: Tracer
  /** W3C Trace Context: `traceparent` and `tracestate`. */
  propagator: TextMapPropagator
  /** Exports every span ended so far. */
  flush: () => Promise<void>
  /** Exports what is left and stops the exporter. */
  shutdown: () => Promise<void>
}
