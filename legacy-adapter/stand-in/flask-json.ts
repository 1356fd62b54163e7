/**
 * Flask's `jsonify` byte for byte: Python's json.dumps with sort_keys, ensure_ascii and compact
 * separators, plus the trailing newline Flask appends. Shadow diffs and golden files compare
 * these bytes, so JSON.stringify (insertion order, raw UTF-8) is not close enough.
 */
import type { FastifyReply } from 'fastify'

/** Python sorts dict keys by code point; JS `<` compares UTF-16 units, which differs past U+FFFF. */
function compareCodePoints (a: string, b: string): number {
  const left = [...a]
  const right = [...b]
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i].codePointAt(0)! - right[i].codePointAt(0)!
    if (diff !== 0) return diff
  }
  return left.length - right.length
}

/** ensure_ascii also escapes DEL (0x7f); lower-case hex, surrogate pairs as two escapes. */
function encodeString (value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g,
    (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'))
}

function encodeNumber (value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  // Python writes exponents with at least two digits: 1e-07, not 1e-7.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2')
}

export function pythonJsonDumps (value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'string': return encodeString(value)
    case 'number': return encodeNumber(value)
    case 'bigint': return value.toString()
    case 'boolean': return value ? 'true' : 'false'
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(pythonJsonDumps).join(',') + ']'
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => compareCodePoints(a, b))
      return '{' + entries.map(([k, v]) => encodeString(k) + ':' + pythonJsonDumps(v)).join(',') + '}'
    }
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`)
  }
}

/** The body `jsonify(value)` produces. */
export function flaskJsonBody (value: unknown): string {
  return pythonJsonDumps(value) + '\n'
}

/**
 * `return jsonify(value), status`. A Buffer, because Fastify appends `; charset=utf-8` to a JSON
 * content type sent with a string, and Flask's header is the bare `application/json`.
 */
export function sendFlaskJson (reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(Buffer.from(flaskJsonBody(value), 'latin1'))
}
