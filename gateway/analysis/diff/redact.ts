import type { Difference } from './diff-types.js'

/** Keys whose values never leave the gateway: session ids, cookies, tokens, credentials. */
const SECRET_KEY = /session|cookie|secret|passw|authori[sz]ation|api[-_]?key|csrf|credential|private[-_]?key/i
const SECRET_KEY_SUFFIX = /(^|[-_.])(sid|token|auth|jwt|signature|bearer)$/i
const SECRET_VALUE = /^(bearer|basic)\s+\S/i

export const REDACTED = '[redacted]'

export interface RedactOptions {
  /** Strings longer than this are cut, with a marker saying how much went. */
  maxStringLength?: number
  maxArrayItems?: number
  maxObjectKeys?: number
  maxDepth?: number
}

export const DEFAULT_REDACT_OPTIONS: Required<RedactOptions> = Object.freeze({
  maxStringLength: 256,
  maxArrayItems: 20,
  maxObjectKeys: 50,
  maxDepth: 6
})

export function isSecretKey (key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_SUFFIX.test(key)
}

export function truncateString (value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[${value.length - max} more chars]`
}

/** A copy safe to store and show: secrets redacted by key, long strings and big containers cut. */
export function redactValue (value: unknown, options: RedactOptions = {}, depth = 0): unknown {
  const o = { ...DEFAULT_REDACT_OPTIONS, ...options }
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : truncateString(value, o.maxStringLength)
  if (value === null || typeof value !== 'object') return value
  if (depth >= o.maxDepth) return Array.isArray(value) ? '[array]' : '[object]'
  if (Array.isArray(value)) {
    const items = value.slice(0, o.maxArrayItems).map((v) => redactValue(v, o, depth + 1))
    if (value.length > o.maxArrayItems) items.push(`…[${value.length - o.maxArrayItems} more items]`)
    return items
  }
  const out: Record<string, unknown> = {}
  const entries = Object.entries(value)
  for (const [key, item] of entries.slice(0, o.maxObjectKeys)) {
    out[key] = isSecretKey(key) ? REDACTED : redactValue(item, o, depth + 1)
  }
  if (entries.length > o.maxObjectKeys) out['…'] = `${entries.length - o.maxObjectKeys} more keys`
  return out
}

function leafKey (path: string): string {
  const last = path.split('.').pop() ?? ''
  return last.replace(/(\[\])+$/, '')
}

/** Differences ready for a record: values redacted and cut; a secret-looking leaf hides both values. */
export function redactDifferences (differences: readonly Difference[], options: RedactOptions = {}): Difference[] {
  return differences.map((d) => {
    const secret = isSecretKey(leafKey(d.path))
    const out: Difference = { kind: d.kind, path: d.path }
    if ('legacy' in d) out.legacy = secret ? REDACTED : redactValue(d.legacy, options)
    if ('candidate' in d) out.candidate = secret ? REDACTED : redactValue(d.candidate, options)
    return out
  })
}
