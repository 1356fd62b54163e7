/**
 * The Set-Cookie line Werkzeug's dump_cookie writes for Flask-Session, attribute order included:
 * `session=<value>; Expires=<http date>; HttpOnly; Path=/` (plus `SameSite=Lax` in the legacy
 * Redis mode). Flask-Session's filesystem mode sets it on every response, refreshing Expires.
 */

export interface SessionCookieAttributes {
  name: string
  /** Omitted for browser-session cookies (SESSION_PERMANENT=False). */
  expires?: Date
  sameSite?: 'Lax' | 'Strict'
}

export function serializeSessionCookie (value: string, attributes: SessionCookieAttributes): string {
  const parts = [`${attributes.name}=${value}`]
  if (attributes.expires !== undefined) parts.push(`Expires=${attributes.expires.toUTCString()}`)
  parts.push('HttpOnly', 'Path=/')
  if (attributes.sameSite !== undefined) parts.push(`SameSite=${attributes.sameSite}`)
  return parts.join('; ')
}

/** What `response.delete_cookie` writes when a modified session ends up empty. */
export function serializeDeletedSessionCookie (name: string): string {
  return `${name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`
}

/** The value of one cookie from a Cookie header; the first occurrence wins, as in Werkzeug. */
export function readCookie (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    return value
  }
  return undefined
}

/** Flask-Session's unsigned default: the cookie value is the bare session id. */
export const bareSessionIdCodec = {
  parse (cookieValue: string | undefined): string | null {
    return cookieValue === undefined || cookieValue === '' ? null : cookieValue
  },
  serialize (sid: string): string {
    return sid
  }
}
