import zlib from 'node:zlib'
import type { CapturedResponse } from '../../../../gateway/analysis/diff/diff-types.js'

/** A captured response: JSON unless told otherwise, encoded as asked. */
export function captured (body: unknown, options: { status?: number, contentType?: string, encoding?: 'gzip' | 'br' | 'deflate', headers?: Record<string, string> } = {}): CapturedResponse {
  let bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers }
  if (options.encoding === 'gzip') bytes = zlib.gzipSync(bytes)
  if (options.encoding === 'br') bytes = zlib.brotliCompressSync(bytes)
  if (options.encoding === 'deflate') bytes = zlib.deflateSync(bytes)
  if (options.encoding !== undefined) headers['content-encoding'] = options.encoding
  return { status: options.status ?? 200, headers, body: bytes, truncated: false, latencyMs: 5 }
}

export function sse (...events: string[]): string {
  return events.map((e) => `${e}\n\n`).join('')
}
