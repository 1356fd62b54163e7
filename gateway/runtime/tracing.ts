/**
 * Whether this process traces, from the standard OpenTelemetry variables, and the SDK started
 * when it does (tracing-provider.ts, imported only then). Tracing is on when
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set, unless
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER names no `otlp` exporter. Off, nothing of the
 * SDK is loaded and the gateway registers no hook for it.
 */
import type { Logger } from 'pino'
import type { GatewayTracing } from '../data-plane/tracing/trace-scope.js'

/** Where spans are exported (OTLP/HTTP), or null when tracing is off. */
export function tracesEndpoint (env: NodeJS.ProcessEnv): string | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null
  const exporters = env.OTEL_TRACES_EXPORTER?.trim()
  if (exporters !== undefined && exporters !== '' && !exporters.split(',').some((name) => name.trim() === 'otlp')) return null
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  if (traces !== undefined && traces !== '') return traces
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  // The signal's path is added to the base endpoint, as the OTLP exporter specification says.
  if (base !== undefined && base !== '') return `${base.replace(/\/+$/, '')}/v1/traces`
  return null
}

export async function startTracing (env: NodeJS.ProcessEnv, log: Logger): Promise<GatewayTracing | null> {
  const url = tracesEndpoint(env)
  if (url === null) return null
  const { createTracing } = await import('./tracing-provider.js')
  return createTracing({ env, url, log })
}
