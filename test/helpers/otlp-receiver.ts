/**
 * A small OTLP/HTTP receiver for tests: a real HTTP server on 127.0.0.1 that takes
 * `POST /v1/traces` in the OTLP JSON encoding (ids hex, kinds and status codes as integers,
 * attributes as typed AnyValues) and keeps every span it was sent.
 */
import type { Test } from 'tap'
import { startServer, type TestServer } from './http-server.js'

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const
export const STATUS_ERROR = 2

interface AnyValue { stringValue?: string, intValue?: number | string, boolValue?: boolean, doubleValue?: number }
interface KeyValue { key: string, value: AnyValue }

export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  name: string
  kind: number
  attributes: Record<string, string | number | boolean>
  links: Array<{ traceId: string, spanId: string, attributes: Record<string, string | number | boolean> }>
  status: { code?: number }
  resource: Record<string, string | number | boolean>
}

function valueOf (value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.boolValue !== undefined) return value.boolValue
  return value.doubleValue ?? NaN
}
const attributesOf = (list: KeyValue[] | undefined): Record<string, string | number | boolean> =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]))

export interface OtlpReceiver extends TestServer {
  /** The traces endpoint to export to. */
  endpoint: string
  spans: ReceivedSpan[]
  /** Every request body as it came: for "nothing secret was sent". */
  bodies: string[]
  contentTypes: string[]
}

export async function startOtlpReceiver (test: Test): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const bodies: string[] = []
  const contentTypes: string[] = []
  const server = await startServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { text += chunk })
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      bodies.push(text)
      contentTypes.push(String(req.headers['content-type']))
      const body = JSON.parse(text) as { resourceSpans: Array<{ resource?: { attributes?: KeyValue[] }, scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }
      for (const { resource, scopeSpans } of body.resourceSpans) {
        for (const { spans: list } of scopeSpans) {
          for (const span of list) {
            spans.push({
              traceId: span.traceId as string,
              spanId: span.spanId as string,
              parentSpanId: (span.parentSpanId as string | undefined) === '' ? undefined : span.parentSpanId as string | undefined,
              name: span.name as string,
              kind: span.kind as number,
              attributes: attributesOf(span.attributes as KeyValue[]),
              links: ((span.links ?? []) as Array<{ traceId: string, spanId: string, attributes?: KeyValue[] }>)
                .map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: attributesOf(link.attributes) })),
              status: (span.status ?? {}) as { code?: number },
              resource: attributesOf(resource?.attributes)
            })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  test.teardown(server.close)
  return { ...server, endpoint: `${server.url}/v1/traces`, spans, bodies, contentTypes }
}
