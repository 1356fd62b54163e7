/**
 * One undici pool per upstream, with the timeouts routes.yaml gives it. Pools are keyed by
 * their configuration so a reload that leaves an upstream unchanged keeps its warm connections.
 */
import { Pool } from 'undici'
import type { UpstreamConfig } from '../../core/config/gateway-config.js'

export type UpstreamName = 'legacy' | 'new'

export interface Upstream {
  readonly name: UpstreamName
  readonly config: UpstreamConfig
  readonly origin: string
  readonly pool: Pool
}

export function createUpstream (name: UpstreamName, config: UpstreamConfig): Upstream {
  const url = new URL(config.url)
  const pool = new Pool(url.origin, {
    connections: config.connections,
    connect: { timeout: config.timeouts.connectMs },
    headersTimeout: config.timeouts.headersMs,
    bodyTimeout: config.timeouts.bodyMs,
    keepAliveTimeout: 4_000,
    // Upstream Flask/Werkzeug servers close idle sockets early; never pipeline to them.
    pipelining: 1
  })
  return { name, config, origin: url.origin, pool }
}

export function upstreamKey (config: UpstreamConfig): string {
  return JSON.stringify([config.url, config.connections, config.timeouts])
}
