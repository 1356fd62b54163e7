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

export class AppError extends Error {
  constructor (readonly code: AppErrorCode, readonly statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AppError'
  }
}

export const validationError = (message: string): AppError => new AppError('VALIDATION_ERROR', 400, message)
export const notFoundError = (message: string): AppError => new AppError('RESOURCE_NOT_FOUND', 404, message)

/** A body that is not JSON, or JSON where an object is needed: the legacy app answers 500 here. */
export const NON_JSON_BODY_MESSAGE = 'リクエストボディは JSON オブジェクトである必要があります'

/** Like the legacy `str(uuid4())[:8]`. */
export function newErrorId (): string {
  return randomBytes(4).toString('hex')
}

export function appErrorBody (code: AppErrorCode, message: string): { error: { code: AppErrorCode, error_id: string, message: string } } {
  return { error: { code, error_id: newErrorId(), message } }
}

export const UNEXPECTED_ERROR_MESSAGE = '予期しないエラーが発生しました'
