/**
 * The gateway's view of the Flask session cookie, per routes.yaml `session`.
 * Until the legacy adapter's signed-cookie codec is wired in, unsigned cookies only.
 */
import type { SessionCookieCodec } from '../../legacy-adapter/session/types.js'
import type { SessionConfig } from '../config/types.js'

const PLAIN_SID = /^[A-Za-z0-9_.-]{1,256}$/

export function createSessionCookieCodecFor (session: SessionConfig, _env: NodeJS.ProcessEnv): SessionCookieCodec {
  return {
    parse: (value) => value !== undefined && PLAIN_SID.test(value) ? value : null,
    serialize: (sid) => sid
  }
}
