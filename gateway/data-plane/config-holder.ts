/**
 * The running configuration: routes.yaml compiled into a snapshot that is swapped atomically on
 * reload. A request takes the snapshot once, at its start, so in-flight requests finish on the
 * configuration they started with. A bad file keeps the old snapshot running.
 *
 * A request (or a shadow) holds the snapshot it took through a lease (acquire/release). A reload
 * retires the old snapshot; its upstream pools stay open while it is held and are closed when its
 * last hold is released, or `retireGraceMs` after the reload if some hold is never let go,
 * whichever comes first. A pool the running snapshot (or another held one) also uses stays open.
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

/**
 * A hold on one snapshot. There is one lease object per snapshot, shared by all its holders, so
 * taking one allocates nothing: it counts. Each acquire() or retain() needs exactly one release().
 */
export interface SnapshotLease {
  readonly snapshot: RuntimeSnapshot
  /** Holds the same snapshot once more (a shadow that outlives its request). */
  retain: () => void
  /** Ends one hold. The last one of a retired snapshot closes the pools no other snapshot uses. */
  release: () => void
}

/** How long a retired snapshot's pools wait for holds still open before they are closed anyway. */
export const RETIRED_SNAPSHOT_GRACE_MS = 60_000

export type ReloadResult =
  | { ok: true, version: number }
  | { ok: false, version: number, problems: string[] }

export interface ConfigHolder {
  /**
   * The running snapshot, not held: for readers that use its pools (if at all) before their
   * first await. Anything that awaits before it calls an upstream takes a lease instead.
   */
  current: () => RuntimeSnapshot
  /** The running snapshot, held until release(): a reload meanwhile keeps its pools open. */
  acquire: () => SnapshotLease
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
  /** Default RETIRED_SNAPSHOT_GRACE_MS. */
  retireGraceMs?: number
}

interface Generation extends SnapshotLease {
  holds: number
  /** Set while retired and still held: the grace timer. */
  timer: NodeJS.Timeout | null
}

export function createConfigHolder (options: ConfigHolderOptions): ConfigHolder {
  const { file, overrides, env, log } = options
  const graceMs = options.retireGraceMs ?? RETIRED_SNAPSHOT_GRACE_MS
  const pools = new Map<string, Upstream>()
  /** Retired snapshots still held (and within their grace): their pools stay open. */
  const held = new Set<Generation>()
  let running: Generation
  let closed = false

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

  /** Pools no live snapshot (the running one, or a retired one still held) uses are closed; undici lets their in-flight requests finish. */
  const closeUnused = (): void => {
    if (closed) return
    const used = new Set(Object.values(running.snapshot.upstreams))
    for (const generation of held) for (const upstream of Object.values(generation.snapshot.upstreams)) used.add(upstream)
    for (const [key, upstream] of pools) {
      if (!used.has(upstream)) {
        pools.delete(key)
        upstream.pool.close().catch((err: unknown) => log.warn({ err, upstream: upstream.name }, 'closing retired upstream pool failed'))
      }
    }
  }

  /** A retired snapshot lets go of its pools: its last hold ended, or its grace ran out. */
  const letGo = (generation: Generation): void => {
    if (!held.delete(generation)) return
    if (generation.timer !== null) clearTimeout(generation.timer)
    generation.timer = null
    closeUnused()
  }

  const generation = (snapshot: RuntimeSnapshot): Generation => {
    const g: Generation = {
      snapshot,
      holds: 0,
      timer: null,
      retain: () => { g.holds++ },
      release: () => {
        if (g.holds === 0) return
        g.holds--
        if (g.holds === 0 && g !== running) letGo(g)
      }
    }
    return g
  }

  const swap = (config: GatewayConfig): RuntimeSnapshot => {
    const retired = running
    running = generation(build(config, retired.snapshot.version + 1))
    if (retired.holds > 0) {
      held.add(retired)
      retired.timer = setTimeout(() => {
        log.warn({ version: retired.snapshot.version, holds: retired.holds, graceMs },
          'retired configuration still held after its grace; closing its upstream pools')
        letGo(retired)
      }, graceMs)
      retired.timer.unref()
    }
    closeUnused()
    return running.snapshot
  }

  running = generation(build(options.config, 1))

  return {
    current: () => running.snapshot,
    acquire () {
      const lease = running
      lease.holds++
      return lease
    },
    replace: swap,
    async reload () {
      if (file === undefined) return { ok: true, version: running.snapshot.version }
      try {
        const config = await loadRoutesFile(file)
        const { version } = swap(config)
        log.info({ file, version }, 'routes reloaded')
        return { ok: true, version }
      } catch (err) {
        const problems = err instanceof RoutesConfigError ? err.problems : [(err as Error).message]
        log.error({ file, problems }, 'routes reload rejected; the previous configuration stays in force')
        return { ok: false, version: running.snapshot.version, problems }
      }
    },
    async close () {
      closed = true
      for (const generation of held) if (generation.timer !== null) clearTimeout(generation.timer)
      held.clear()
      await Promise.all([...pools.values()].map(async (upstream) => await upstream.pool.close()))
      pools.clear()
    }
  }
}
