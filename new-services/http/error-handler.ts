/**
 * Unknown paths, wrong methods and escaped errors answer in the legacy shapes. Unlike the
 * legacy app nothing expected ends as 500: bad bodies are 400 and LLM failures keep their
 * status; only real bugs reach UNEXPECTED_ERROR (without the legacy random delay).
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { LlmError, LlmRateLimitError } from '../llm/errors.js'
import { AppError, appErrorBody, UNEXPECTED_ERROR_MESSAGE } from './app-errors.js'
import { sendJson } from './flask-json.js'

export function installErrorHandlers (app: FastifyInstance): void {
  const routes: Array<{ pattern: RegExp, method: string }> = []
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}$`)
    for (const method of [route.method].flat()) routes.push({ pattern, method })
  })

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]
    if (!path.startsWith('/api/')) return await sendJson(reply, 404, { error: 'Not Found' })
    if (routes.some((r) => r.method !== request.method && r.pattern.test(path))) {
      return await sendJson(reply, 405, appErrorBody('METHOD_NOT_ALLOWED', 'Method not allowed'))
    }
    return await sendJson(reply, 404, appErrorBody('RESOURCE_NOT_FOUND', `APIエンドポイントが見つかりません (ID: ${path})`))
  })

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof AppError) return await sendJson(reply, error.statusCode, appErrorBody(error.code, error.message, error.errorId))
    if (error instanceof LlmRateLimitError) {
      return await sendJson(reply, 429, { error: 'APIの利用制限に達しました。しばらく待ってから再試行してください。', retry_after: error.retryAfterSeconds })
    }
    if (error instanceof LlmError) {
      request.log.warn({ err: error }, 'llm call failed')
      return await sendJson(reply, error.statusCode, appErrorBody('EXTERNAL_API_ERROR', 'AIサービスとの通信に失敗しました'))
    }
    // Fastify's own 4xx (body too large, bad content length, ...) keep their status.
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return await sendJson(reply, error.statusCode, appErrorBody('VALIDATION_ERROR', error.message))
    }
    request.log.error({ err: error }, 'unexpected error')
    return await sendJson(reply, 500, appErrorBody('UNEXPECTED_ERROR', UNEXPECTED_ERROR_MESSAGE))
  })
}
