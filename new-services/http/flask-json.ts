/**
 * The one JSON serializer of the new services: Flask's `jsonify` output (Python json.dumps with
 * sort_keys, ensure_ascii, compact separators, trailing newline), so the gateway's shadow diffs
 * compare like with like.
 */
import type { FastifyReply } from 'fastify'

/** Python sorts keys by code point; JS string comparison uses UTF-16 units (differs past U+FFFF). */
function byCodePoint (a: string, b: string): number {
  const left = Array.from(a)
  const right = Array.from(b)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = (left[i].codePointAt(0) ?? 0) - (right[i].codePointAt(0) ?? 0)
    if (diff !== 0) return diff
  }
  return left.length - right.length
}

/** ensure_ascii: everything outside printable ASCII (DEL included) as lower-case \uXXXX. */
function encodeString (value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'))
}

function encodeNumber (value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2')
}

export function pythonJsonDumps (value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'string': return encodeString(value)
    case 'number': return encodeNumber(value)
    case 'boolean': return value ? 'true' : 'false'
    case 'bigint': return value.toString()
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(',')}]`
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => byCodePoint(a, b))
      return `{${entries.map(([k, v]) => `${encodeString(k)}:${pythonJsonDumps(v)}`).join(',')}}`
    }
    default:
      throw new TypeError(`cannot serialise a ${typeof value} as JSON`)
  }
}

export function flaskJsonBody (value: unknown): string {
  return `${pythonJsonDumps(value)}\n`
}

export function sendJson (reply: FastifyReply, status: number, value: unknown): FastifyReply {
  // A Buffer, so Fastify leaves the content type exactly as Flask sends it (no charset).
  return reply.code(status).header('content-type', 'application/json').send(Buffer.from(flaskJsonBody(value)))
}
