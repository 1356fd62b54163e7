/**
 * The running configuration: routes.yaml compiled into a snapshot that is swapped atomically on
 * reload. A request takes the snapshot once, at its start, so in-flight requests finish on the
 * configuration they started with. A bad file keeps the old snapshot running.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { OverrideStore } from './overrides/override-store.js'
import type { DecideContext } from './routing/decide.js'
import { readEnvFlags } from './routing/effective-flag.js'
import { compileRouteTable, type RouteTable } from './routing/route-table.js'
import { createSessionIdReader } from './routing/session-id.js'
import { createSessionCookieCodecFor } from './routing/session-cookie-codec.js'
import { createUpstream, upstreamKey, type Upstream, type UpstreamName } from './proxy/upstream-pool.js'
import { loadRoutesFile, RoutesConfigError } from '../core/config/load-config.js'
import type { GatewayConfig } from '../core/config/gateway-config.js'

export interface RuntimeSnapshot {
  readonly version: number
  readonly config: GatewayConfig
  readonly table: RouteTable
  readonly upstreams: Readonly<Record<UpstreamName, Upstream>>
  readonly decideContext: DecideContext
  readonly loadedAt: Date
}

export type ReloadResult =
  | { ok: true, version: number }
  | { ok: false, version: number, problems: string[] }

export interface ConfigHolder {
  current: () => RuntimeSnapshot
  /** Re-reads the file (when there is one). Never throws: a bad file is reported and ignored. */
  reload: () => Promise<ReloadResult>
  /** Replaces the config directly (tests, embedded use). */
  replace: (config: GatewayConfig) => RuntimeSnapshot
  close: () => Promise<void>
}

export interface ConfigHolderOptions {
  config: GatewayConfig
  file?: string
  overrides: OverrideStore
  env: NodeJS.ProcessEnv
  log: FastifyBaseLogger
}

export function createConfigHolder (options: ConfigHolderOptions): ConfigHolder {
  const { file, overrides, env, log } = options
  const pools = new Map<string, Upstream>()
  let snapshot: RuntimeSnapshot

  const upstreamFor = (name: UpstreamName, config: GatewayConfig): Upstream => {
    const key = `${name}:${upstreamKey(config.upstreams[name])}`
    let upstream = pools.get(key)
    if (upstream === undefined) {
      upstream = createUpstream(name, config.upstreams[name])
      pools.set(key, upstream)
    }
    return upstream
  }

  const build = (config: GatewayConfig, version: number): RuntimeSnapshot => {
    const table = compileRouteTable(config)
    const { flags, invalid } = readEnvFlags(env, Object.keys(config.features))
    for (const { name, value } of invalid) log.warn({ name, value }, 'ignoring environment flag: use true or false')
    const codec = createSessionCookieCodecFor(config.session, env)
    const upstreams = { legacy: upstreamFor('legacy', config), new: upstreamFor('new', config) }
    return Object.freeze({
      version,
      config,
      table,
      upstreams,
      decideContext: { table, overrides, envFlags: flags, readSessionId: createSessionIdReader(config.session.cookie, codec) },
      loadedAt: new Date()
    })
  }

  /** Pools no snapshot uses any more are closed; undici lets their in-flight requests finish. */
  const retireUnused = (): void => {
    const used = new Set(Object.values(snapshot.upstreams))
    for (const [key, upstream] of pools) {
      if (!used.has(upstream)) {
        pools.delete(key)
        upstream.pool.close().catch((err: unknown) => log.warn({ err, upstream: upstream.name }, 'closing retired upstream pool failed'))
      }
    }
  }

  snapshot = build(options.config, 1)

  return {
    current: () => snapshot,
    replace (config) {
      snapshot = build(config, snapshot.version + 1)
      retireUnused()
      return snapshot
    },
    async reload () {
      if (file === undefined) return { ok: true, version: snapshot.version }
      try {
        const config = await loadRoutesFile(file)
        snapshot = build(config, snapshot.version + 1)
        retireUnused()
        log.info({ file, version: snapshot.version }, 'routes reloaded')
        return { ok: true, version: snapshot.version }
      } catch (err) {
        const problems = err instanceof RoutesConfigError ? err.problems : [(err as Error).message]
        log.error({ file, problems }, 'routes reload rejected; the previous configuration stays in force')
        return { ok: false, version: snapshot.version, problems }
      }
    },
    async close () {
      await Promise.all([...pools.values()].map(async (upstream) => await upstream.pool.close()))
      pools.clear()
    }
  }
}
