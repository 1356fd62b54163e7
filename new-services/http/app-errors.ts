/**
 * The legacy app's error families, reproduced: `AppError` subclasses answer
 * `{"error": {"code", "error_id", "message"}}`; route-level errors are plain `{"error": "..."}`
 * bodies the routes send themselves.
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

export interface AppErrorOptions {
  cause?: unknown
  /**
   * false for an error a legacy view answers itself (its `@with_error_handling` decorator): the
   * same body without `error_id`, which only the app-level handlers add (docs/legacy-app.md §4.2).
   */
  errorId?: boolean
}

export class AppError extends Error {
  readonly errorId: boolean

  constructor (readonly code: AppErrorCode, readonly statusCode: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.errorId = options.errorId ?? true
  }
}

export const validationError = (message: string): AppError => new AppError('VALIDATION_ERROR', 400, message)

/** Legacy's `NotFoundError("シナリオ", id)` as its scenario views answer it: 404, no error_id. */
export const scenarioNotFoundError = (id: string): AppError =>
  new AppError('RESOURCE_NOT_FOUND', 404, `シナリオが見つかりません (ID: ${id})`, { errorId: false })

/** A body that is not JSON, or JSON where an object is needed: the legacy app answers 500 here. */
export const NON_JSON_BODY_MESSAGE = 'リクエストボディは JSON オブジェクトである必要があります'

/** Like the legacy `str(uuid4())[:8]`. */
export function newErrorId (): string {
  return randomBytes(4).toString('hex')
}

export function appErrorBody (code: AppErrorCode, message: string, withErrorId = true): { error: { code: AppErrorCode, error_id?: string, message: string } } {
  return withErrorId ? { error: { code, error_id: newErrorId(), message } } : { error: { code, message } }
}

export const UNEXPECTED_ERROR_MESSAGE = '予期しないエラーが発生しました'
