/**
 * How the routes that catch LLM failures answer, in the legacy shapes: a provider rate limit is
 * 429 with `retry_after`; any other provider failure its status (503) with a plain error string.
 */
import type { FastifyReply } from 'fastify'
import { LlmError, LlmRateLimitError } from '../llm/errors.js'
import { sendJson } from './flask-json.js'

export const RATE_LIMIT_MESSAGE = 'AIサービスの利用制限に達しました。しばらく待ってから再試行してください。'

export function isLlmFailure (err: unknown): err is LlmError {
  return err instanceof LlmError
}

export function sendLlmFailure (reply: FastifyReply, err: LlmError, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  if (err instanceof LlmRateLimitError) {
    return sendJson(reply, 429, { error: RATE_LIMIT_MESSAGE, retry_after: err.retryAfterSeconds, ...extra })
  }
  return sendJson(reply, err.statusCode, { error: message, ...extra })
}
