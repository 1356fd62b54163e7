/**
 * The legacy app's two error families. Route-level errors are plain `{"error": "..."}` bodies
 * sent by the routes themselves; AppError subclasses become
 * `{"error": {"code", "error_id", "message"}}` in the error handler (errors.py). `details` is
 * left out: the legacy app only adds it under Flask <= 2.2 with FLASK_ENV=development.
 */
import { randomBytes } from 'node:crypto'

export type AppErrorCode =
  | 'VALIDATION_ERROR'
  | 'RESOURCE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'EXTERNAL_API_ERROR'
  | 'RATE_LIMIT_EXCEEDED'
  | 'INTERNAL_SERVER_ERROR'
  | 'UNEXPECTED_ERROR'

export class LegacyAppError extends Error {
  readonly code: AppErrorCode
  readonly status: number
  /**
   * True when the view's own `@with_error_handling` answers it: that path has no error_id,
   * which only the app-level handlers add (docs/legacy-app.md §4.2).
   */
  readonly inView: boolean

  constructor (code: AppErrorCode, status: number, message: string, options?: { cause?: unknown, inView?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LegacyAppError'
    this.code = code
    this.status = status
    this.inView = options?.inView ?? false
  }
}

export const validationError = (message: string): LegacyAppError =>
  new LegacyAppError('VALIDATION_ERROR', 400, message)

/** `NotFoundError("シナリオ", id)` raised in a `@with_error_handling` view. */
export const scenarioNotFoundError = (id: string): LegacyAppError =>
  new LegacyAppError('RESOURCE_NOT_FOUND', 404, `シナリオが見つかりません (ID: ${id})`, { inView: true })

/** What Python raises for a non-JSON body read with request.get_json() outside a try. */
export class BadJsonBodyError extends Error {
  constructor () {
    super('400 Bad Request: Failed to decode JSON object')
    this.name = 'BadJsonBodyError'
  }
}

/** uuid4()[:8] in the legacy code: eight hex characters. */
export function newErrorId (): string {
  return randomBytes(4).toString('hex')
}

export function appErrorBody (code: AppErrorCode, message: string): { error: { code: string, error_id: string, message: string } } {
  return { error: { code, error_id: newErrorId(), message } }
}

/** `AppError.to_dict()` as `handle_error` answers it inside a view: no error_id. */
export function inViewErrorBody (code: AppErrorCode, message: string): { error: { code: string, message: string } } {
  return { error: { code, message } }
}

export const UNEXPECTED_ERROR_MESSAGE = '予期しないエラーが発生しました'
