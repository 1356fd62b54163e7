/**
 * A copy of a user's Flask session under a throwaway id, for a request that must not touch the
 * real one: the live stage's copies to legacy (live-session-clone.ts) and the session handoff
 * check. The clone is written to the legacy app's own store, and legacy is sent the clone's
 * cookie, made by the codec the gateway routes with (signed when routes.yaml session.signed is on).
 */
import { randomBytes } from 'node:crypto'
import type { SessionCookieCodec } from '@strangler-gateway/flask-session'

/** `<prefix><24 hex digits>`: never a real session's id (Flask's are uuid4s or 43-character tokens). */
export function newCloneId (prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`
}

/** `session=<value>` for the clone, as a Cookie header pair. */
export function cloneCookie (cookieName: string, codec: SessionCookieCodec, sid: string): string {
  return `${cookieName}=${codec.serialize(sid)}`
}

/**
 * The user's Cookie header with every pair of the session cookie taken out and the clone's put
 * first (Werkzeug reads the first of a repeated name), the other cookies kept as they were.
 */
export function withCloneCookie (header: string | string[] | undefined, cookieName: string, clonePair: string): string {
  const joined = Array.isArray(header) ? header.join('; ') : header ?? ''
  const others = joined.split(';').map((pair) => pair.trim()).filter((pair) => pair !== '' && pair.split('=', 1)[0].trim() !== cookieName)
  return [clonePair, ...others].join('; ')
}
