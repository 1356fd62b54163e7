/**
 * One scripted HTTP request, as the golden cases files and the handoff check's turns write it:
 * method, path, and a JSON or raw body, headers and the CSRF flag. Both files are checked
 * strictly with the same rules; each names its own extra keys (a golden step's `compare`).
 */
export const HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface RequestStep {
  method: string
  /** Path and query, from the target's root. */
  path: string
  /** Sent as application/json. */
  json?: unknown
  /** A raw body (with a content-type header of the file's choosing). */
  body?: string
  headers?: Record<string, string>
  /** Send the session's CSRF token as X-CSRF-Token. */
  csrf?: boolean
}

export const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * Checks a step's request fields and pushes a problem per fault, each starting with `where`.
 * Keys other than these and `extraKeys` are problems too. Returns the step when it added none.
 */
export function checkRequestStep (raw: unknown, where: string, problems: string[], extraKeys: readonly string[] = []): RequestStep | undefined {
  if (!isMapping(raw)) {
    problems.push(`${where}: must be a mapping with method and path`)
    return undefined
  }
  const before = problems.length
  const known = new Set(['method', 'path', 'json', 'body', 'headers', 'csrf', ...extraKeys])
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`${where}: unknown key "${key}"`)
  const method = String(raw.method ?? 'GET').toUpperCase()
  if (!HTTP_METHODS.has(method)) problems.push(`${where}: method "${String(raw.method)}" is not an HTTP method`)
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) problems.push(`${where}: path must be a string starting with /`)
  if (raw.body !== undefined && typeof raw.body !== 'string') problems.push(`${where}: body must be a string (use json: for a JSON body)`)
  if (raw.json !== undefined && raw.body !== undefined) problems.push(`${where}: json and body cannot both be given`)
  if (raw.headers !== undefined && (!isMapping(raw.headers) || !Object.values(raw.headers).every((v) => typeof v === 'string'))) {
    problems.push(`${where}: headers must map names to strings`)
  }
  if (raw.csrf !== undefined && typeof raw.csrf !== 'boolean') problems.push(`${where}: csrf must be true or false`)
  if (problems.length > before) return undefined
  const step: RequestStep = { method, path: raw.path as string }
  if (raw.json !== undefined) step.json = raw.json
  if (raw.body !== undefined) step.body = raw.body as string
  if (raw.headers !== undefined) step.headers = raw.headers as Record<string, string>
  if (raw.csrf === true) step.csrf = true
  return step
}
