import { createHash } from 'node:crypto'
import { DEFAULT_MAX_DECODED_BYTES, decodeBody } from './decode-body.js'
import { parseIgnorePath, removeIgnoredPaths } from './ignore-paths.js'
import { parseSse } from './parse-sse.js'
import type { CapturedResponse, CompareRules, NormalisedBody, NormalisedResponse } from './diff-types.js'

/** Headers that differ between any two responses, or that decoding makes meaningless. */
export const VOLATILE_HEADERS: ReadonlySet<string> = new Set([
  'date', 'set-cookie', 'server', 'x-request-id', 'x-served-by', 'x-powered-by', 'x-response-time',
  'etag', 'last-modified', 'age', 'expires', 'via', 'connection', 'keep-alive', 'transfer-encoding',
  'content-length', 'content-encoding', 'report-to', 'nel', 'x-shadow-request', 'x-fallback'
])

export interface NormaliseOptions {
  maxDecodedBytes?: number
}

export function normaliseHeaders (headers: CapturedResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (value === undefined || VOLATILE_HEADERS.has(lower)) continue
    out[lower] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return out
}

function headerValue (headers: CapturedResponse['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(', ') : value
  }
  return undefined
}

export function collapseWhitespace (value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim()
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(collapseWhitespace)
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = collapseWhitespace(item)
  return out
}

type BodyFormat = 'json' | 'sse' | 'text' | 'binary'

export function bodyFormat (contentType: string | undefined): BodyFormat {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase()
  if (media === 'text/event-stream') return 'sse'
  if (/[/+]json$/.test(media)) return 'json'
  if (media === '' || media.startsWith('text/') || /[/+]xml$/.test(media) ||
    media.includes('javascript') || media === 'application/x-www-form-urlencoded') return 'text'
  return 'binary'
}

function parseBody (bytes: Buffer, format: BodyFormat): NormalisedBody {
  if (bytes.length === 0) return { kind: 'empty' }
  if (format === 'binary') {
    return { kind: 'binary', length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }
  }
  const text = bytes.toString('utf8')
  if (format === 'sse') return { kind: 'sse', events: parseSse(text) }
  if (format === 'json') {
    try {
      return { kind: 'json', value: JSON.parse(text) }
    } catch {
      // Says JSON but is not: compare it as text, so the candidate's broken JSON shows up as a type difference.
    }
  }
  return { kind: 'text', value: text }
}

function applyRules (body: NormalisedBody, rules: CompareRules): NormalisedBody {
  const patterns = rules.ignorePaths.map(parseIgnorePath)
  const clean = (value: unknown): unknown => {
    const kept = removeIgnoredPaths(value, patterns)
    return rules.whitespaceInsensitive ? collapseWhitespace(kept) : kept
  }
  switch (body.kind) {
    case 'json':
      return { kind: 'json', value: clean(body.value) }
    case 'text':
      return rules.whitespaceInsensitive ? { kind: 'text', value: collapseWhitespace(body.value) as string } : body
    case 'sse':
      return {
        kind: 'sse',
        events: body.events.map((e) => (e.json === undefined ? e : { ...e, json: clean(e.json) }))
      }
    default:
      return body
  }
}

/**
 * Stage 1: decode, parse by content type, drop volatile headers, apply ignore paths and
 * whitespace rules. Throws BodyTooLargeToCompare or BodyNotDecodable from decodeBody.
 */
export function normalise (response: CapturedResponse, rules: CompareRules, options: NormaliseOptions = {}): NormalisedResponse {
  const bytes = decodeBody(response.body, headerValue(response.headers, 'content-encoding'),
    options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES)
  const body = parseBody(bytes, bodyFormat(headerValue(response.headers, 'content-type')))
  return { status: response.status, headers: normaliseHeaders(response.headers), body: applyRules(body, rules) }
}
