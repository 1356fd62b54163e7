/**
 * The session id the canary hashes: read from the Flask session cookie and, when the legacy app
 * signs cookies, verified first. A missing, malformed or badly signed cookie is "no session":
 * legacy serves, so a forged cookie can never steer the choice.
 */
import { readCookie } from '@strangler-gateway/flask-session'
import type { SessionCookieCodec } from '@strangler-gateway/flask-session'

/** Longest cookie value considered; Flask's signed sids are ~70 bytes. */
const MAX_SESSION_COOKIE_BYTES = 512

export type SessionIdReader = (cookieHeader: string | string[] | undefined) => string | null

/** The first `name=` cookie's value, as Werkzeug reads it (the legacy adapter's reader). */
export { readCookie as firstCookieValue }

export function createSessionIdReader (cookieName: string, codec: SessionCookieCodec): SessionIdReader {
  return (header) => {
    const value = readCookie(header, cookieName)
    if (value === undefined || value === '' || value.length > MAX_SESSION_COOKIE_BYTES) return null
    return codec.parse(value)
  }
}
