/** The `Set-Cookie` header Flask-Session writes for a session id. */

/** Flask's PERMANENT_SESSION_LIFETIME default: 31 days. */
export const DEFAULT_SESSION_LIFETIME_S = 31 * 24 * 60 * 60

export interface SessionCookieOptions {
  name: string
  /**
   * Filesystem mode of the legacy app: permanent, `Expires` = now + lifetime. Redis mode: a
   * browser-session cookie (no Expires).
   */
  permanent: boolean
  lifetimeSeconds: number
  sameSite?: 'Lax' | 'Strict' | 'None'
  secure?: boolean
  domain?: string
}

export function sessionSetCookie (value: string, options: SessionCookieOptions, now = Date.now()): string {
  const parts = [`${options.name}=${value}`]
  if (options.domain != null) parts.push(`Domain=${options.domain}`)
  if (options.permanent) parts.push(`Expires=${new Date(now + options.lifetimeSeconds * 1000).toUTCString()}`)
  if (options.secure === true) parts.push('Secure')
  parts.push('HttpOnly', 'Path=/')
  if (options.sameSite != null) parts.push(`SameSite=${options.sameSite}`)
  return parts.join('; ')
}
