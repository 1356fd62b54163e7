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
