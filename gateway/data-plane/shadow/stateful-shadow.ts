/**
 * Stateful shadows (docs/stateful-shadow.md): before legacy gets a session-changing request, the
 * user's session is read from the legacy app's store and kept as a snapshot under a key named by
 * the request id; the new service runs the shadow on that snapshot and leaves its resulting
 * session under `<key>:result`, never in the real store. Once both have answered, legacy's
 * resulting session is compared with new's. Every failure ends as a counted skip: the user's
 * request waits at most `shadow.snapshotReadTimeoutMs`, for the snapshot read, and never fails.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import {
  createRedisSnapshotStore, decodeSnapshot, encodeSnapshot, resultKey, SNAPSHOT_HEADER, SNAPSHOT_STATUS_HEADER, SNAPSHOT_TTL_HEADER,
  type RedisTarget, type SessionCookieCodec, type SessionData, type SessionStore, type SnapshotStore
} from '@strangler-gateway/flask-session'
import type { GatewayConfig } from '../../core/config/gateway-config.js'
import { within, type StatefulDropReason, type StatefulExchange } from './stateful-exchange.js'
import { createMemorySnapshotStore } from './memory-snapshot-store.js'
import { createStatefulGuard, stampSession, type StatefulGuard } from './stateful-guard.js'
import { openLegacySessionStore } from './stateful-session-store.js'
import { createSessionCookieCodecFor } from '../routing/session-cookie-codec.js'
import { LIVE_CLONE_LIFETIME_SECONDS, prepareLiveClone, type LiveCloneTarget } from './live-session-clone.js'

export type { SessionPair, StatefulDropReason, StatefulExchange } from './stateful-exchange.js'

export interface StatefulShadows {
  guard: StatefulGuard
  /** The snapshot store (opened on first use); snapshot-routes.ts serves it to new services without Redis. */
  snapshots: () => SnapshotStore
  /** False when snapshots are in Redis: the new services read them there, not through the gateway. */
  readonly servesSnapshots: boolean
  /** Counts the request in the guard while it runs, when any feature shadows statefully. */
  track: (request: FastifyRequest, reply: FastifyReply) => void
  /** Takes the snapshot; never rejects. */
  prepare: (target: { sessionId: string | null, requestId: string }, config: GatewayConfig) => Promise<StatefulExchange | StatefulDropReason>
  /** The live stage: clones the user's session for legacy's copy (live-session-clone.ts); never rejects. */
  prepareLive: (target: LiveCloneTarget, config: GatewayConfig) => Promise<StatefulExchange | StatefulDropReason>
  close: () => Promise<void>
}

export interface StatefulShadowsOptions {
  config: GatewayConfig
  env: NodeJS.ProcessEnv
  log: FastifyBaseLogger
  /** Shared Redis for snapshots (the gateway's REDIS_CLUSTER_NODES or REDIS_URL); unset: process memory. */
  redis?: RedisTarget | null
  /** A snapshot store of the caller's (tests; never closed here). */
  snapshots?: SnapshotStore
  /** The legacy app's session store, instead of opening config.session.store (tests; never closed here). */
  legacySessions?: SessionStore
}

/** Whether any feature shadows statefully: computed once per loaded configuration. */
const statefulConfigs = new WeakMap<GatewayConfig, boolean>()
export function usesStatefulShadow (config: GatewayConfig): boolean {
  let uses = statefulConfigs.get(config)
  if (uses === undefined) {
    uses = config.routes.some((route) => {
      const feature = config.features[route.feature]
      return feature !== undefined && feature.shadow.sample > 0 && (route.shadow ?? feature.shadow.mode) === 'stateful'
    })
    statefulConfigs.set(config, uses)
  }
  return uses
}

export function createStatefulShadows (options: StatefulShadowsOptions): StatefulShadows {
  const { log } = options
  const guard = createStatefulGuard()
  const ownSnapshots = options.snapshots === undefined
  let snapshots: SnapshotStore | undefined = options.snapshots
  let legacySessions: SessionStore | undefined = options.legacySessions
  // Opened on first use, so a gateway without stateful shadows opens no Redis connection or directory.
  const snapshotStore = (): SnapshotStore => {
    snapshots ??= options.redis == null
      ? createMemorySnapshotStore()
      : createRedisSnapshotStore({ target: options.redis, keyPrefix: `${options.config.diffStore.keyPrefix}snapshot:` })
    return snapshots
  }
  const sessionStore = (config: GatewayConfig): SessionStore => {
    legacySessions ??= openLegacySessionStore(config.session.store, options.env)
    return legacySessions
  }
  // Clones are written with a short lifetime; a caller's store (tests) writes them itself.
  let cloneSessions: SessionStore | undefined = options.legacySessions
  let codec: SessionCookieCodec | undefined
  const liveContext = (config: GatewayConfig): Parameters<typeof prepareLiveClone>[0] => {
    cloneSessions ??= openLegacySessionStore(config.session.store, options.env, LIVE_CLONE_LIFETIME_SECONDS)
    codec ??= createSessionCookieCodecFor(config.session, options.env)
    return { guard, log, sessions: sessionStore(config), clones: cloneSessions, codec }
  }

  async function prepare (target: { sessionId: string | null, requestId: string }, config: GatewayConfig): Promise<StatefulExchange | StatefulDropReason> {
    const stamp = stampSession(guard, target.sessionId)
    if (typeof stamp === 'string') return stamp
    const { sid } = stamp
    const { snapshotReadTimeoutMs: readMs, snapshotTtlMs: ttlMs } = config.shadow
    let before: SessionData | null
    let store: SnapshotStore
    try {
      store = snapshotStore()
      before = await within(sessionStore(config).load(sid), readMs)
    } catch (err) {
      guard.release(stamp)
      log.warn({ err, requestId: target.requestId }, 'stateful shadow: session snapshot not taken')
      return 'snapshot_failed'
    }
    const key = `${target.requestId}.${randomBytes(12).toString('hex')}`
    const stored = store.put(key, encodeSnapshot(before), ttlMs).then(() => true, (err: unknown) => {
      log.warn({ err, requestId: target.requestId }, 'stateful shadow: snapshot not stored')
      return false
    })
    const readAfter = async (): Promise<SessionData | null | StatefulDropReason> => {
      try {
        const after = await within(sessionStore(config).load(sid), readMs)
        return guard.consistent(stamp) ? after : 'snapshot_inconsistent'
      } catch (err) {
        log.warn({ err, requestId: target.requestId }, 'stateful shadow: legacy session not read')
        return 'snapshot_failed'
      }
    }
    let legacyAfter: Promise<SessionData | null | StatefulDropReason> | undefined
    return {
      key,
      headers: { [SNAPSHOT_HEADER]: key, [SNAPSHOT_TTL_HEADER]: String(ttlMs) },
      stored,
      primaryAnswered: () => { legacyAfter ??= readAfter() },
      async sessions (candidate) {
        if (candidate.headers[SNAPSHOT_STATUS_HEADER] !== undefined) return 'snapshot_failed'
        const legacy = await (legacyAfter ??= readAfter())
        if (typeof legacy === 'string') return legacy
        const raw = await store.get(resultKey(key)).catch(() => null)
        if (raw === null) return 'snapshot_result_missing'
        try {
          return { legacy, candidate: decodeSnapshot(raw) }
        } catch {
          return 'snapshot_result_missing'
        }
      },
      cleanup: async () => {
        guard.release(stamp)
        await store.delete([key, resultKey(key)]).catch((err: unknown) => {
          log.warn({ err, requestId: target.requestId }, 'stateful shadow: snapshot not deleted; its TTL removes it')
        })
      }
    }
  }

  return {
    guard,
    snapshots: snapshotStore,
    servesSnapshots: options.redis == null,
    track (request, reply) {
      const exchange = request.proxy
      if (exchange === null || !usesStatefulShadow(exchange.snapshot.config)) return
      const sid = exchange.decision.sessionId !== undefined
        ? exchange.decision.sessionId
        : exchange.snapshot.decideContext.readSessionId(request.headers.cookie)
      if (sid === null) return
      reply.raw.once('close', guard.enter(sid))
    },
    async prepare (target, config) {
      try {
        return await prepare(target, config)
      } catch (err) {
        log.warn({ err, requestId: target.requestId }, 'stateful shadow: snapshot failed')
        return 'snapshot_failed'
      }
    },
    async prepareLive (target, config) {
      try {
        return await prepareLiveClone(liveContext(config), target, config)
      } catch (err) {
        log.warn({ err, requestId: target.requestId }, 'live copy: session clone failed')
        return 'snapshot_failed'
      }
    },
    async close () {
      if (ownSnapshots) await snapshots?.close()
      if (options.legacySessions === undefined) await Promise.all([legacySessions?.close(), cloneSessions?.close()])
    }
  }
}
