/**
 * Errors the LLM service throws. Routes translate them to HTTP answers the way the legacy app
 * does: rate limits become 429 with `retry_after`, everything else from a provider 503.
 */

/** Seconds the legacy app tells clients to wait after a provider rate limit. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60

export class LlmError extends Error {
  readonly code: string = 'NS_ERR_LLM_PROVIDER'
  readonly statusCode: number = 503
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LlmError'
  }
}

/** HTTP 429 or RESOURCE_EXHAUSTED from a provider. */
export class LlmRateLimitError extends LlmError {
  override readonly code = 'NS_ERR_LLM_RATE_LIMIT'
  override readonly statusCode = 429
  readonly retryAfterSeconds: number
  constructor (message: string, retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LlmRateLimitError'
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** The provider answered, but not in its documented format. */
export class LlmMalformedResponseError extends LlmError {
  override readonly code = 'NS_ERR_LLM_MALFORMED'
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LlmMalformedResponseError'
  }
}

/** Every code above; docs/new-services.md lists the same (a test keeps them in step). */
export const LLM_ERROR_CODES = ['NS_ERR_LLM_PROVIDER', 'NS_ERR_LLM_RATE_LIMIT', 'NS_ERR_LLM_MALFORMED'] as const

/** Reads a Retry-After header value (seconds or HTTP date) or a Google "37s" retryDelay. */
export function parseRetryAfter (value: string | undefined | null): number {
  if (value == null || value === '') return DEFAULT_RETRY_AFTER_SECONDS
  const seconds = /^\s*(\d+(?:\.\d+)?)s?\s*$/.exec(value)
  if (seconds != null) return Math.max(1, Math.ceil(Number(seconds[1])))
  const date = Date.parse(value)
  if (!Number.isNaN(date)) return Math.max(1, Math.ceil((date - Date.now()) / 1000))
  return DEFAULT_RETRY_AFTER_SECONDS
}
