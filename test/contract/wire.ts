/**
 * Wire-level expectations of the legacy app, written independently of the stand-in: Flask
 * jsonify output (sorted keys, compact, ASCII only, trailing newline) and naive ISO timestamps.
 */

/** Python json.dumps(sort_keys=True, ensure_ascii=True, separators=(',', ':')) for parsed JSON. */
export function canonicalFlaskJson (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return '[' + value.map(canonicalFlaskJson).join(',') + ']'
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).sort()
    return '{' + keys.map((k) => canonicalFlaskJson(k) + ':' + canonicalFlaskJson((value as Record<string, unknown>)[k])).join(',') + '}'
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
  }
  return JSON.stringify(value)
}

/** Problems with a response that should be Flask jsonify output; empty when it is. */
export function flaskJsonProblems (contentType: unknown, text: string): string[] {
  const problems: string[] = []
  if (contentType !== 'application/json') problems.push(`content-type is ${String(contentType)}, not application/json`)
  if (!text.endsWith('\n')) problems.push('no trailing newline')
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7e]/.test(text)) problems.push('non-ASCII bytes (ensure_ascii escapes them)')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    problems.push('not JSON')
    return problems
  }
  if (text !== canonicalFlaskJson(parsed) + '\n') problems.push('not compact with sorted keys')
  return problems
}

/** datetime.now().isoformat(): no zone; microseconds unless they are exactly zero. */
export const NAIVE_ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/

export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export const ERROR_ID = /^[0-9a-f]{8}$/
