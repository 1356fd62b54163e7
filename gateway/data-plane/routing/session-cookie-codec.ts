/**
 * The gateway's view of the Flask session cookie, per routes.yaml `session`: the bare session id,
 * or `<sid>.<signature>` verified with Flask's SECRET_KEY (itsdangerous, as Flask-Session signs).
 */
import { createSessionCookieCodec } from '@strangler-gateway/flask-session'
import type { SessionCookieCodec } from '@strangler-gateway/flask-session'
import type { SessionConfig } from '../../core/config/gateway-config.js'
import { ConfigInvalidError } from '../../core/errors.js'

export function createSessionCookieCodecFor (session: SessionConfig, env: NodeJS.ProcessEnv): SessionCookieCodec {
  if (!session.signed) return createSessionCookieCodec({ signed: false })
  const secret = env[session.secretEnv]
  if (secret === undefined || secret === '') {
    throw new ConfigInvalidError(`session.signed is true but ${session.secretEnv} is not set: the gateway cannot verify session cookies`)
  }
  return createSessionCookieCodec({ signed: true, secret })
}
