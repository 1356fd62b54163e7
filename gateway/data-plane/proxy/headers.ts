/**
 * Header handling between client, gateway and upstream: hop-by-hop headers stop here
 * (RFC 9110 section 7.6.1), the forwarding headers are the gateway's (forwarding.ts), and the
 * request id goes on.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { forwardingHeaders, type TrustCheck } from './forwarding.js'

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade'
])

/** Answered by the gateway itself (expect-continue.ts), so never sent on. */
const ANSWERED_HERE = 'expect'
/** A tester's pin (routing/tester-pin.ts) is the gateway's business, not the upstream's. */
const PIN_HEADER = 'x-gateway-pin'

function connectionListed (value: string | string[] | undefined): Set<string> | null {
  // The common values name no header: skip the split.
  if (value === undefined || value === 'keep-alive' || value === 'close') return null
  const text = Array.isArray(value) ? value.join(',') : value
  const names = new Set<string>()
  for (const token of text.split(',')) {
    const name = token.trim().toLowerCase()
    if (name !== '' && name !== 'close' && name !== 'keep-alive') names.add(name)
  }
  return names.size === 0 ? null : names
}

export interface ForwardedInfo {
  remoteAddress: string | undefined
  protocol: 'http' | 'https'
  requestId: string
  /** Peers whose forwarding headers are believed (routes.yaml trustedProxies); default nobody. */
  trusted?: TrustCheck
}

/** Set from the connection by the gateway, never copied from the client as they came. */
const FORWARDING = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip', 'forwarded'])

const joined = (value: string | string[] | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : value

/** A forwarding header the client named in Connection is hop-by-hop too: not believed either. */
const sentForwarding = (incoming: IncomingHttpHeaders, extra: Set<string> | null, name: string): string | undefined =>
  extra?.has(name) === true ? undefined : joined(incoming[name])

/**
 * X-Shadow-* headers are the gateway's own: a client that sends them could make the new service
 * treat a live request as a shadow (and not save the user's session), so they never pass.
 */
const GATEWAY_ONLY_PREFIX = 'x-shadow-'

/** Headers for the upstream request. The original Host is kept; the upstream sees what the user typed. */
export function upstreamRequestHeaders (incoming: IncomingHttpHeaders, info: ForwardedInfo): Record<string, string | string[]> {
  const extra = connectionListed(incoming.connection)
  const out: Record<string, string | string[]> = {}
  for (const name in incoming) {
    const value = incoming[name]
    if (value === undefined || HOP_BY_HOP.has(name) || extra?.has(name) === true || name.startsWith(GATEWAY_ONLY_PREFIX) || name === ANSWERED_HERE || name === PIN_HEADER) continue
    // HTTP/2 pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) are not HTTP/1.1 headers.
    if (FORWARDING.has(name) || name.charCodeAt(0) === 58) continue
    out[name] = value
  }
  // An HTTP/2 request names its host in `:authority`; the upstream speaks HTTP/1.1 and gets Host.
  const authority = incoming[':authority']
  if (out.host === undefined && typeof authority === 'string' && authority !== '') out.host = authority
  Object.assign(out, forwardingHeaders({
    peer: info.remoteAddress ?? 'unknown',
    protocol: info.protocol,
    host: out.host as string | undefined,
    sent: {
      xForwardedFor: sentForwarding(incoming, extra, 'x-forwarded-for'),
      xForwardedProto: sentForwarding(incoming, extra, 'x-forwarded-proto'),
      xForwardedHost: sentForwarding(incoming, extra, 'x-forwarded-host'),
      forwarded: sentForwarding(incoming, extra, 'forwarded')
    },
    trusted: info.trusted ?? (() => false)
  }))
  out['x-request-id'] = info.requestId
  return out
}

/** Headers for the client response, without hop-by-hop ones. */
export function clientResponseHeaders (upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const extra = connectionListed(upstream.connection)
  const out: Record<string, string | string[]> = {}
  for (const name in upstream) {
    const value = upstream[name]
    if (value === undefined || HOP_BY_HOP.has(name) || extra?.has(name) === true) continue
    out[name] = value
  }
  return out
}
