/** Addresses and CIDRs as routes.yaml writes them (trustedProxies). */
import { isIP } from 'node:net'

export interface Cidr { address: string, prefix: number, family: 'ipv4' | 'ipv6' }

/** `10.0.0.0/8`, `192.168.1.7`, `fd00::/8`, `::1`; null for anything else. */
export function parseCidr (text: string): Cidr | null {
  const slash = text.indexOf('/')
  const address = slash === -1 ? text : text.slice(0, slash)
  const version = isIP(address)
  if (version === 0) return null
  const max = version === 4 ? 32 : 128
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1)
  if (!/^\d{1,3}$/.test(prefixText)) return null
  const prefix = Number(prefixText)
  return prefix <= max ? { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } : null
}
