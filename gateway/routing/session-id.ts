/**
 * The session id the canary hashes: read from the Flask session cookie and, when the legacy app
 * signs cookies, verified first. A missing, malformed or badly signed cookie is "no session":
 * legacy serves, so a forged cookie can never steer the choice.
 */
import type { SessionCookieCodec } from '../../legacy-adapter/session/types.js'

/** Longest cookie value considered; Flask's signed sids are ~70 bytes. */
const MAX_SESSION_COOKIE_BYTES = 512

export type SessionIdReader = (cookieHeader: string | string[] | undefined) => string | null

/** The first `name=` cookie's value, as Werkzeug reads it; undefined when absent. */
export function firstCookieValue (header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  const text = Array.isArray(header) ? header.join('; ') : header
  let from = 0
  while (from < text.length) {
    let end = text.indexOf(';', from)
    if (end === -1) end = text.length
    const eq = text.indexOf('=', from)
    if (eq !== -1 && eq < end && text.slice(from, eq).trim() === name) {
      let value = text.slice(eq + 1, end).trim()
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
      return value
    }
    from = end + 1
  }
  return undefined
}

export function createSessionIdReader (cookieName: string, codec: SessionCookieCodec): SessionIdReader {
  return (header) => {
    const value = firstCookieValue(header, cookieName)
    if (value === undefined || value === '' || value.length > MAX_SESSION_COOKIE_BYTES) return null
    return codec.parse(value)
  }
}
