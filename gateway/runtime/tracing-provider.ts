/**
 * The OpenTelemetry SDK for one gateway process: a tracer provider with the sampler the
 * OTEL_TRACES_SAMPLER variables choose, a batch span processor (OTEL_BSP_*) and the OTLP/HTTP
 * JSON exporter (OTEL_EXPORTER_OTLP_* headers, timeout, compression), a resource named by
 * OTEL_SERVICE_NAME (default `strangler-gateway`) and OTEL_RESOURCE_ATTRIBUTES, and the W3C
 * Trace Context propagator. Loaded only when tracing is on (tracing.ts).
 */
import { diag, DiagLogLevel, isSpanContextValid, TraceFlags, type Context, type Link, type SpanKind, type Attributes } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, SamplingDecision,
  TraceIdRatioBasedSampler, type Sampler, type SamplingResult
} from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import type { Logger } from 'pino'
import type { GatewayTracing } from '../data-plane/tracing/trace-scope.js'
import { ATTR_LINK_KIND, LINK_SHADOW_OF } from '../data-plane/tracing/span-attributes.js'

export const DEFAULT_SERVICE_NAME = 'strangler-gateway'
const TRACER_NAME = 'strangler-gateway'

function ratioOf (value: string | undefined, log: Logger): number {
  if (value === undefined || value.trim() === '') return 1
  const ratio = Number(value)
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio
  log.warn({ OTEL_TRACES_SAMPLER_ARG: value }, 'tracing: the sample ratio must be between 0 and 1; sampling everything')
  return 1
}

/** The sampler OTEL_TRACES_SAMPLER names (the specification's values), default parentbased_always_on. */
export function samplerFromEnv (env: NodeJS.ProcessEnv, log: Logger): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() ?? ''
  const ratio = (): Sampler => new TraceIdRatioBasedSampler(ratioOf(env.OTEL_TRACES_SAMPLER_ARG, log))
  switch (name) {
    case 'always_on': return new AlwaysOnSampler()
    case 'always_off': return new AlwaysOffSampler()
    case 'traceidratio': return ratio()
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratio() })
    case '':
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    default:
      log.warn({ OTEL_TRACES_SAMPLER: name }, 'tracing: unknown sampler; using parentbased_always_on')
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
  }
}

/**
 * A shadow span is a root in its own trace, linked to the request it mirrors: it is sampled
 * exactly when that request is, so a sampled user's trace always finds its shadow. Everything
 * else goes to the configured sampler.
 */
export class ShadowLinkSampler implements Sampler {
  constructor (private readonly inner: Sampler) {}

  shouldSample (context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const shadowOf = links.find((link) => link.attributes?.[ATTR_LINK_KIND] === LINK_SHADOW_OF)
    if (shadowOf !== undefined && isSpanContextValid(shadowOf.context)) {
      const sampled = (shadowOf.context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED
      return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }
    }
    return this.inner.shouldSample(context, traceId, name, kind, attributes, links)
  }

  toString (): string {
    return `ShadowLinkSampler{${this.inner.toString()}}`
  }
}

export interface CreateTracingOptions {
  env: NodeJS.ProcessEnv
  /** The OTLP/HTTP traces endpoint (tracing.ts). */
  url: string
  log: Logger
}

export function createTracing ({ env, url, log }: CreateTracingOptions): GatewayTracing {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL
  if (protocol !== undefined && protocol.trim() !== '' && protocol.trim() !== 'http/json') {
    log.warn({ protocol }, 'tracing: only OTLP/HTTP with JSON is exported; sending http/json')
  }
  // The SDK's own failures (an export refused, a collector down) reach the log, never the user.
  diag.setLogger({
    error: (message) => { log.warn({ otel: message }, 'tracing: OpenTelemetry SDK error') },
    warn: (message) => { log.warn({ otel: message }, 'tracing: OpenTelemetry SDK warning') },
    info: () => {},
    debug: () => {},
    verbose: () => {}
  }, DiagLogLevel.WARN)
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME }))
    .merge(detectResources({ detectors: [envDetector] }))
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }))
  const provider = new BasicTracerProvider({
    resource,
    sampler: new ShadowLinkSampler(samplerFromEnv(env, log)),
    spanProcessors: [processor]
  })
  log.info({ url, sampler: env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on' }, 'tracing on: exporting spans over OTLP/HTTP')
  return {
    tracer: provider.getTracer(TRACER_NAME),
    propagator: new W3CTraceContextPropagator(),
    flush: async () => { await provider.forceFlush() },
    shutdown: async () => {
      await provider.shutdown()
      diag.disable()
    }
  }
}
