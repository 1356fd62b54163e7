/** One request to one upstream. Errors come back already translated to gateway errors. */
import type { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { ClientAbortSignal } from './client-abort.js'
import { translateUpstreamError } from './upstream-errors.js'
import type { Upstream } from './upstream-pool.js'

export interface ForwardRequest {
  method: string
  /** Path and query string, as the client sent them. */
  path: string
  headers: Record<string, string | string[]>
  body: Buffer | Readable | null
  /** An AbortSignal, or any signal undici takes (see client-abort.ts). */
  signal?: AbortSignal | ClientAbortSignal
}

export async function forward (upstream: Upstream, request: ForwardRequest): Promise<Dispatcher.ResponseData> {
  try {
    return await upstream.pool.request({
      method: request.method as Dispatcher.HttpMethod,
      path: request.path,
      headers: request.headers,
      body: request.body,
      signal: request.signal
    })
  } catch (err) {
    throw translateUpstreamError(err, upstream)
  }
}
