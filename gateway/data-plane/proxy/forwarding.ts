/**
 * Who the client is, as the upstream is told (X-Forwarded-For, -Proto, -Host, X-Real-IP,
 * Forwarded). The gateway is the edge by default: it sets these from the connection and drops
 * whatever the client sent, since a client must not choose the address an upstream rate-limits
 * or logs. A peer listed in routes.yaml `trustedProxies` (a load balancer in front of the
 * gateway) is believed: its headers are kept and appended to, and X-Real-IP is the right-most
 * address in X-Forwarded-For that is not itself a trusted proxy, as nginx's real_ip module with
 * real_ip_recursive finds it.
 */
import { BlockList, isIP } from 'node:net'
import { parseCidr } from '../../core/cidr.js'

/** An IPv4 peer as Node may report it on a dual-stack socket (`::ffff:10.0.0.1`), unwrapped. */
export function plainAddress (address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

export type TrustCheck = (address: string) => boolean

const NOBODY: TrustCheck = () => false
const compiled = new WeakMap<readonly string[], TrustCheck>()

/** The check for one configuration's list, compiled once (the list is frozen with the config). */
export function trustCheckOf (trustedProxies: readonly string[]): TrustCheck {
  if (trustedProxies.length === 0) return NOBODY
  let check = compiled.get(trustedProxies)
  if (check === undefined) {
    const list = new BlockList()
    for (const entry of trustedProxies) {
      const cidr = parseCidr(entry)
      // load-config rejects a bad entry; a config built in code that has one trusts nobody for it.
      if (cidr !== null) list.addSubnet(cidr.address, cidr.prefix, cidr.family)
    }
    check = (address) => {
      const plain = plainAddress(address)
      const version = isIP(plain)
      return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6')
    }
    compiled.set(trustedProxies, check)
  }
  return check
}

/** RFC 7239 node: IPv6 quoted and bracketed, IPv4 bare. */
function forwardedNode (address: string): string {
  return isIP(address) === 6 ? `"[${address}]"` : isIP(address) === 4 ? address : 'unknown'
}

const quoted = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`

export interface ForwardingInput {
  /** The TCP peer. */
  peer: string
  protocol: 'http' | 'https'
  /** The Host the request named (or its absolute-form authority). */
  host: string | undefined
  /** The client's own forwarding headers, hop-by-hop ones already removed. */
  sent: {
    xForwardedFor?: string
    xForwardedProto?: string
    xForwardedHost?: string
    forwarded?: string
  }
  trusted: TrustCheck
}

export interface ForwardingHeaders {
  'x-forwarded-for': string
  'x-forwarded-proto': string
  'x-forwarded-host'?: string
  'x-real-ip': string
  forwarded: string
}

export function forwardingHeaders ({ peer: rawPeer, protocol, host, sent, trusted }: ForwardingInput): ForwardingHeaders {
  const peer = plainAddress(rawPeer)
  const hop = `for=${forwardedNode(peer)}${host === undefined ? '' : `;host=${quoted(host)}`};proto=${protocol}`
  if (!trusted(peer)) {
    return {
      'x-forwarded-for': peer,
      'x-forwarded-proto': protocol,
      ...(host === undefined ? {} : { 'x-forwarded-host': host }),
      'x-real-ip': peer,
      forwarded: hop
    }
  }
  const chain = sent.xForwardedFor === undefined ? [] : sent.xForwardedFor.split(',').map((a) => a.trim()).filter((a) => a !== '')
  const addresses = [...chain, peer]
  let client = addresses[0]
  for (let i = addresses.length - 1; i >= 0; i--) {
    client = addresses[i]
    if (!trusted(client)) break
  }
  const forwardedHost = sent.xForwardedHost ?? host
  return {
    'x-forwarded-for': addresses.join(', '),
    'x-forwarded-proto': sent.xForwardedProto ?? protocol,
    ...(forwardedHost === undefined ? {} : { 'x-forwarded-host': forwardedHost }),
    'x-real-ip': client,
    forwarded: sent.forwarded === undefined ? hop : `${sent.forwarded}, ${hop}`
  }
}
