/**
 * The Flask-Session `session` cookie. Unsigned (the Flask-Session default, and the legacy app in
 * filesystem mode) the value is the bare session id. Signed (SESSION_USE_SIGNER, the legacy app in
 * Redis mode) it is `<sid>.<sig>` exactly as Flask-Session 0.3 builds it with itsdangerous:
 * `Signer(app.secret_key, salt='flask-session', key_derivation='hmac')`, i.e.
 *   key = HMAC-SHA1(secret, 'flask-session'); sig = base64url(HMAC-SHA1(key, sid)) without '='.
 * A forged, malformed or oversized cookie parses to null: the caller treats it as "no session".
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { SessionConfigError } from './errors.js'
import type { SessionCookieCodec } from './session-types.js'

export const FLASK_SESSION_SALT = 'flask-session'

/** Longer than any id Flask-Session generates (uuid4, 36 chars) by a wide margin, short enough to cap work. */
export const MAX_SESSION_ID_CHARS = 256

/** Ids become Redis keys and file-name hashes, so only the characters a real id can contain pass. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_\-:]+$/

/** base64url of a 20-byte SHA-1 MAC without padding is always 27 characters. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{27}$/

export interface SessionCookieCodecOptions {
  /** True when the Flask app sets SESSION_USE_SIGNER. */
  signed: boolean
  /** Flask's `secret_key` (required when signed). */
  secret?: string | Buffer
  /** Older secrets still accepted when verifying (key rotation); new cookies use `secret`. */
  fallbackSecrets?: Array<string | Buffer>
}

function deriveKey (secret: string | Buffer): Buffer {
  return createHmac('sha1', secret).update(FLASK_SESSION_SALT).digest()
}

/** The itsdangerous signature of `sid` under an already derived key. */
export function signatureFor (derivedKey: Buffer, sid: string): string {
  return createHmac('sha1', derivedKey).update(sid, 'utf8').digest('base64url')
}

export function isPlausibleSessionId (sid: string): boolean {
  return sid.length > 0 && sid.length <= MAX_SESSION_ID_CHARS && SESSION_ID_PATTERN.test(sid)
}

export function createSessionCookieCodec (options: SessionCookieCodecOptions): SessionCookieCodec {
  if (!options.signed) {
    return {
      parse: (value) => typeof value === 'string' && isPlausibleSessionId(value) ? value : null,
      serialize: (sid) => sid
    }
  }
  const { secret } = options
  if (secret === undefined || secret.length === 0) {
    throw new SessionConfigError('a signed session cookie codec needs the Flask secret_key (options.secret)')
  }
  const signingKey = deriveKey(secret)
  const verifyKeys = [signingKey, ...(options.fallbackSecrets ?? []).map(deriveKey)]

  return {
    parse (value) {
      if (typeof value !== 'string' || value.length > MAX_SESSION_ID_CHARS + 28) return null
      const dot = value.lastIndexOf('.')
      if (dot <= 0) return null
      const sid = value.slice(0, dot)
      const sig = value.slice(dot + 1)
      if (!isPlausibleSessionId(sid) || !SIGNATURE_PATTERN.test(sig)) return null
      const given = Buffer.from(sig, 'latin1')
      let ok = false
      // Every key is checked, match or not, so timing says nothing about which secret matched.
      for (const key of verifyKeys) {
        const expected = Buffer.from(signatureFor(key, sid), 'latin1')
        if (timingSafeEqual(given, expected)) ok = true
      }
      return ok ? sid : null
    },
    serialize (sid) {
      return `${sid}.${signatureFor(signingKey, sid)}`
    }
  }
}
