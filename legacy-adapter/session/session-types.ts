/**
 * The shapes every Flask-Session reader and writer in this repo shares: the gateway (canary on
 * signed cookies, shadow snapshots), the legacy stand-in and the new services.
 */

/** A Flask session as Python sees it, decoded to plain JS values (dict -> object, list/tuple -> array). */
export type SessionData = Record<string, unknown>

/** Where Flask-Session keeps the session dict for a session id. */
export interface SessionStore {
  /** The stored session, or null when there is none (missing, expired). */
  load (sid: string): Promise<SessionData | null>
  /** Stores the whole dict, with the store's lifetime. */
  save (sid: string, data: SessionData): Promise<void>
  /**
   * Read-modify-write: `change` gets the current dict (or {} when none) and returns the new one.
   * Implementations document what they guarantee against concurrent writers.
   */
  update (sid: string, change: (current: SessionData) => SessionData): Promise<SessionData>
  delete (sid: string): Promise<void>
  close (): Promise<void>
}

/** Turns the `session` cookie value into a session id and back. */
export interface SessionCookieCodec {
  /** The verified session id, or null for a missing, malformed or badly signed cookie. */
  parse (cookieValue: string | undefined): string | null
  /** The cookie value for a session id (signed when the codec signs). */
  serialize (sid: string): string
}
