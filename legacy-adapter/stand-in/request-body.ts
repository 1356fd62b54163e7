/**
 * Flask reads request bodies lazily and views choose how: `request.get_json()` raises
 * BadRequest on a non-JSON body (which the legacy catch-all turns into a 500), while
 * `get_json(silent=True)` yields None. Fastify parses eagerly and answers 400/415 itself, so the
 * stand-in keeps every body as text and lets each route read it the legacy way.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BadJsonBodyError } from './app-errors.js'

export class RawRequestBody {
  constructor (readonly contentType: string, readonly text: string) {}
}

/** Werkzeug's `is_json`: application/json or application/*+json. */
function isJsonMimetype (contentType: string): boolean {
  const mimetype = contentType.split(';')[0].trim().toLowerCase()
  return mimetype === 'application/json' || (mimetype.startsWith('application/') && mimetype.endsWith('+json'))
}

export function keepBodiesRaw (app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    done(null, new RawRequestBody(String(request.headers['content-type'] ?? ''), body as string))
  })
}

/** `request.get_json()`: the parsed value, or BadJsonBodyError for anything that is not JSON. */
export function getJson (request: FastifyRequest): unknown {
  const body = request.body
  if (!(body instanceof RawRequestBody) || !isJsonMimetype(body.contentType)) throw new BadJsonBodyError()
  try {
    return JSON.parse(body.text)
  } catch {
    throw new BadJsonBodyError()
  }
}

/** `request.get_json(silent=True)`: null instead of an error. */
export function getJsonSilent (request: FastifyRequest): unknown {
  try {
    return getJson(request)
  } catch {
    return null
  }
}

/** Python truthiness of a parsed body, for the views that test `if not data`. */
export function isFalsy (value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true
  if (Array.isArray(value)) return value.length === 0
  if (typeof value === 'object') return Object.keys(value).length === 0
  return false
}

/** `data.get(key)` on a dict body; anything but a dict has no keys. */
export function field (data: unknown, key: string): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined
  return (data as Record<string, unknown>)[key]
}

/** A string field or the default, as `data.get(key, default)` followed by str use. */
export function stringField (data: unknown, key: string, fallback = ''): string {
  const value = field(data, key)
  return typeof value === 'string' ? value : fallback
}
