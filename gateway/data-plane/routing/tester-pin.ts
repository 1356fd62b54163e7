/**
 * Tester pins: a signed token that sends its bearer's requests for one feature to one side
 * (new or legacy) whatever the flag and the canary say, so testers can try new before any
 * canary. The token is `v1.<feature>.<side>.<expires, unix seconds>.<HMAC-SHA256, base64url>`,
 * signed with GATEWAY_PIN_SECRET; it travels in the `x-gateway-pin` header or the `sg_pin`
 * cookie. A forged, expired or other-feature pin is ignored: the request is routed by the
 * normal rule and the pin is counted, never an error.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { PinsDisabledError } from '../../core/errors.js'
import { firstCookieValue } from './session-id.js'

export const PIN_HEADER = 'x-gateway-pin'
export const PIN_COOKIE = 'sg_pin'
/** Longest lifetime a pin may be issued with. */
export const MAX_PIN_TTL_SECONDS = 7 * 24 * 3600
const MAX_TOKEN_CHARS = 512

export type PinSide = 'legacy' | 'new'

export interface TesterPin { feature: string, side: PinSide, expiresAt: number }

export type PinCheck =
  | { status: 'none' }
  | { status: 'valid', pin: TesterPin }
  | { status: 'invalid' | 'expired' | 'disabled' }

const FEATURE = /^[a-z][a-z0-9_]*$/

function signature (secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest()
}

export function issuePin (secret: string, feature: string, side: PinSide, ttlSeconds: number, nowMs = Date.now()): { token: string, pin: TesterPin } {
  if (!FEATURE.test(feature)) throw new TypeError(`not a feature name: ${feature}`)
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds
  const payload = `v1.${feature}.${side}.${expiresAt}`
  return { token: `${payload}.${signature(secret, payload).toString('base64url')}`, pin: { feature, side, expiresAt } }
}

export function verifyPin (secret: string | undefined, token: string, nowMs = Date.now()): PinCheck {
  if (secret === undefined || secret === '') return { status: 'disabled' }
  if (token.length > MAX_TOKEN_CHARS) return { status: 'invalid' }
  const parts = token.split('.')
  if (parts.length !== 5 || parts[0] !== 'v1') return { status: 'invalid' }
  const [, feature, side, expires, mac] = parts
  if (!FEATURE.test(feature) || (side !== 'new' && side !== 'legacy') || !/^\d{1,12}$/.test(expires)) return { status: 'invalid' }
  const expected = signature(secret, `v1.${feature}.${side}.${expires}`)
  const given = Buffer.from(mac, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 'invalid' }
  const expiresAt = Number(expires)
  if (expiresAt * 1000 <= nowMs) return { status: 'expired' }
  return { status: 'valid', pin: { feature, side, expiresAt } }
}

export interface PinIssuer {
  /** Whether GATEWAY_PIN_SECRET is set, so pins are issued and accepted. */
  readonly enabled: boolean
  /** A token for `feature` and `side` that expires in `ttlSeconds`; throws PinsDisabledError when pins are off. */
  issue: (feature: string, side: PinSide, ttlSeconds: number) => { token: string, pin: TesterPin }
}

export function createPinIssuer (secret: string | undefined): PinIssuer {
  const enabled = secret !== undefined && secret !== ''
  return {
    enabled,
    issue (feature, side, ttlSeconds) {
      if (!enabled) throw new PinsDisabledError()
      return issuePin(secret, feature, side, ttlSeconds)
    }
  }
}

/** The pin a request carries, header first; checked only when there is one. */
export function readPin (headers: IncomingHttpHeaders, secret: string | undefined, nowMs = Date.now()): PinCheck {
  const header = headers[PIN_HEADER]
  // Runs on every proxied request: the cookie header is only parsed when it names the pin.
  const cookie = headers.cookie
  const token = typeof header === 'string'
    ? header
    : Array.isArray(header) ? header[0] : cookie?.includes(`${PIN_COOKIE}=`) === true ? firstCookieValue(cookie, PIN_COOKIE) : undefined
  if (token === undefined || token === '') return { status: 'none' }
  return verifyPin(secret, token, nowMs)
}
