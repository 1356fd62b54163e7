/**
 * Which OTEL_* settings turn tracing on and where spans go, the sampler they choose, and the
 * shadow sampler: a shadow is sampled exactly when the request it mirrors is.
 */
import { ROOT_CONTEXT, SpanKind, TraceFlags } from '@opentelemetry/api'
import { SamplingDecision } from '@opentelemetry/sdk-trace-base'
import pino from 'pino'
import { Writable } from 'node:stream'
import t from 'tap'
import { startTracing, tracesEndpoint } from '../../../gateway/runtime/tracing.js'
import { createTracing, samplerFromEnv, ShadowLinkSampler } from '../../../gateway/runtime/tracing-provider.js'
import { ATTR_LINK_KIND, LINK_SHADOW_OF } from '../../../gateway/data-plane/tracing/span-attributes.js'

function capturingLogger (): { log: pino.Logger, messages: Array<Record<string, unknown>> } {
  const messages: Array<Record<string, unknown>> = []
  const log = pino({ level: 'info' }, new Writable({
    write (chunk: Buffer, _encoding, done) {
      messages.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    }
  }))
  return { log, messages }
}

t.test('the endpoint: the traces one as it is, the base one with /v1/traces; off when disabled or unset', async (t) => {
  t.equal(tracesEndpoint({}), null)
  t.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), null)
  t.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), 'http://collector:4318/v1/traces')
  t.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/traces' }), 'http://other:4318/traces')
  t.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'TRUE' }), null)
  t.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }), null)
  t.equal(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'console, otlp' }), 'http://c:4318/v1/traces')
  t.equal(await startTracing({}, pino({ level: 'silent' })), null, 'nothing started without an endpoint')
  const started = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, pino({ level: 'silent' }))
  t.ok(started?.tracer, 'started with one')
  await started?.shutdown()
})

t.test('OTEL_TRACES_SAMPLER and its argument pick the specification samplers', async (t) => {
  const { log, messages } = capturingLogger()
  const name = (env: NodeJS.ProcessEnv): string => samplerFromEnv(env, log).toString()
  t.match(name({}), /^ParentBased\{root=AlwaysOnSampler/)
  t.equal(name({ OTEL_TRACES_SAMPLER: 'always_on' }), 'AlwaysOnSampler')
  t.equal(name({ OTEL_TRACES_SAMPLER: 'always_off' }), 'AlwaysOffSampler')
  t.equal(name({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }), 'TraceIdRatioBased{0.25}')
  t.match(name({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }), /^ParentBased\{root=AlwaysOffSampler/)
  t.match(name({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }), /^ParentBased\{root=TraceIdRatioBased\{0.1\}/)
  t.equal(messages.length, 0)
  t.match(name({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' }), 'TraceIdRatioBased{1}', 'a ratio out of range samples everything')
  t.match(name({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }), /^ParentBased\{root=AlwaysOnSampler/, 'an unknown one: the default')
  t.equal(messages.length, 2, 'each mistake logged')
})

t.test('a shadow span follows the sampled flag of the span it is linked to; other spans go to the configured sampler', async (t) => {
  const sampler = new ShadowLinkSampler(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }, pino({ level: 'silent' })))
  const link = (traceFlags: number) => [{
    context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags },
    attributes: { [ATTR_LINK_KIND]: LINK_SHADOW_OF }
  }]
  const decide = (links: ReturnType<typeof link>) => sampler.shouldSample(ROOT_CONTEXT, 'a'.repeat(32), 'shadow', SpanKind.INTERNAL, {}, links).decision
  t.equal(decide(link(TraceFlags.SAMPLED)), SamplingDecision.RECORD_AND_SAMPLED, 'sampled user: sampled shadow, whatever the root sampler says')
  t.equal(decide(link(TraceFlags.NONE)), SamplingDecision.NOT_RECORD)
  t.equal(decide([]), SamplingDecision.NOT_RECORD, 'no link: the configured sampler')
  t.match(sampler.toString(), /ShadowLinkSampler\{AlwaysOffSampler\}/)
})

t.test('a protocol other than http/json is reported; spans are sent as JSON anyway', async (t) => {
  const { log, messages } = capturingLogger()
  const tracing = createTracing({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, url: 'http://127.0.0.1:9/v1/traces', log })
  t.teardown(() => tracing.shutdown())
  t.ok(messages.some((m) => m.msg === 'tracing: only OTLP/HTTP with JSON is exported; sending http/json' && m.protocol === 'http/protobuf'))
})
