/**
 * Bodies are read the way the routes need them rather than the way Fastify's defaults answer
 * (415 for text/plain, its own 400 shape for bad JSON): every body is kept as text and routes
 * ask for a JSON object, getting a legacy-shaped 400 VALIDATION_ERROR when it is not one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NON_JSON_BODY_MESSAGE, validationError } from './app-errors.js'

export class RawBody {
  constructor (readonly contentType: string, readonly text: string) {}
}

export type JsonObject = Record<string, unknown>

export function keepBodiesRaw (app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    done(null, new RawBody(String(request.headers['content-type'] ?? ''), body as string))
  })
}

function isJsonContentType (contentType: string): boolean {
  const mime = contentType.split(';')[0].trim().toLowerCase()
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'))
}

/**
 * The body as a JSON object; null when there is no body at all or it is `{}`-like falsy JSON
 * (`null`); throws a 400 VALIDATION_ERROR for anything that is not JSON or not an object.
 */
export function readJsonObject (request: FastifyRequest): JsonObject | null {
  const body = request.body
  if (body == null) return null
  if (!(body instanceof RawBody)) throw validationError(NON_JSON_BODY_MESSAGE)
  if (body.text.trim() === '') return null
  if (!isJsonContentType(body.contentType)) throw validationError(NON_JSON_BODY_MESSAGE)
  let parsed: unknown
  try {
    parsed = JSON.parse(body.text)
  } catch {
    throw validationError(NON_JSON_BODY_MESSAGE)
  }
  if (parsed === null) return null
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw validationError(NON_JSON_BODY_MESSAGE)
  return parsed as JsonObject
}

/** Python's `if not data` for a parsed body. */
export function isEmptyBody (data: JsonObject | null): data is null {
  return data == null || Object.keys(data).length === 0
}

/**
 * The body of an endpoint that answers an unreadable or empty body with 400 "Invalid request"
 * (legacy's `if not data`): the object, or null for that answer.
 */
export function readRequiredObject (request: FastifyRequest): JsonObject | null {
  let data: JsonObject | null
  try {
    data = readJsonObject(request)
  } catch {
    data = null
  }
  return isEmptyBody(data) ? null : data
}

export function stringField (data: JsonObject | null, key: string, fallback = ''): string {
  const value = data?.[key]
  return typeof value === 'string' ? value : fallback
}
