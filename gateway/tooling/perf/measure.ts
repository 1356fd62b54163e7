/**
 * Sends `requests` requests to one URL from `concurrency` workers (each waits for its answer
 * before sending the next, like the seed's thread pool) and times each one from send to the
 * last body byte.
 */
import { performance } from 'node:perf_hooks'
import { Agent, request } from 'undici'

export interface RequestSpec {
  method: string
  /** Full URL. */
  url: string
  headers?: Record<string, string>
  body?: string
}

export interface Measured {
  sent: number
  /** One per answer (2xx or not); connection errors have none. */
  latenciesMs: number[]
  errors: number
  /** The first error seen, for the report. */
  firstError?: string
}

const REQUEST_TIMEOUT_MS = 30_000

export async function measure (spec: RequestSpec, requests: number, concurrency: number, agent: Agent): Promise<Measured> {
  const result: Measured = { sent: 0, latenciesMs: [], errors: 0 }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < requests) {
      next++
      result.sent++
      const started = performance.now()
      try {
        const response = await request(spec.url, {
          method: spec.method as 'GET',
          headers: spec.headers,
          body: spec.body,
          dispatcher: agent,
          headersTimeout: REQUEST_TIMEOUT_MS,
          bodyTimeout: REQUEST_TIMEOUT_MS
        })
        await response.body.dump()
        result.latenciesMs.push(performance.now() - started)
        if (response.statusCode >= 400) {
          result.errors++
          result.firstError ??= `HTTP ${response.statusCode}`
        }
      } catch (err) {
        result.errors++
        result.firstError ??= (err as { code?: string }).code ?? (err as Error).message
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker))
  return result
}

export function createPerfAgent (concurrency: number): Agent {
  return new Agent({ connections: concurrency, keepAliveTimeout: 10_000 })
}
