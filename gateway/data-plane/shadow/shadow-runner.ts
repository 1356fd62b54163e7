/**
 * Runs shadow exchanges: the same request to new (marked, so new writes no real session), in
 * parallel with the user's request to legacy, inside the budget; then, off the live path, the
 * two answers go through the diff engine and into the diff store. Nothing here can fail or delay
 * the user's response: every error ends as a counted outcome. A stateful shadow also carries a
 * session snapshot (stateful-shadow.ts), and its session effects are compared too.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { ShadowBudgetConfig, CompareConfig, GatewayConfig } from '../../core/config/gateway-config.js'
import { compareExchange } from '../../analysis/diff/compare-exchange.js'
import { compareSessions, withSessionDifferences } from '../../analysis/diff/compare-sessions.js'
import type { CapturedResponse, ExchangeResult } from '../../analysis/diff/diff-types.js'
import { buildDiffRecord } from '../../analysis/diff-store/build-record.js'
import type { DiffOutcome, DiffStore } from '../../analysis/diff-store/diff-store-types.js'
import type { ForwardRequest } from '../proxy/forward.js'
import type { Upstream } from '../proxy/upstream-pool.js'
import type { Captured } from './capture.js'
import { callForShadow, type ShadowCallResult } from './shadow-call.js'
import { createShadowBudget, type ShadowBudget } from './shadow-budget.js'
import { SNAPSHOT_HEADER, SNAPSHOT_TTL_HEADER } from '@strangler-gateway/flask-session'
import type { StatefulExchange, StatefulShadows } from './stateful-shadow.js'
import { publish, type ComparedPair, type DropReason } from '../events.js'

export const SHADOW_HEADER = 'x-shadow-request'
export const SHADOW_OF_HEADER = 'x-shadow-of'

export interface ShadowTarget {
  feature: string
  route: string
  method: string
  url: string
  requestId: string
  sessionId: string | null
  compare: CompareConfig
  budget: ShadowBudgetConfig
  candidate: Upstream
  legacy: Upstream
  /** `stateful`: started with startStateful, which takes the session snapshot first. */
  mode: 'stateless' | 'stateful'
  /** Set by startStateful. */
  stateful?: StatefulExchange
}

export interface PrimaryAnswer {
  status: number
  headers: IncomingHttpHeaders
  captured: Promise<Captured>
  startedAt: number
}

type TimedCapture = Captured & { latencyMs: number }

export interface ShadowRun {
  /** The user's response from legacy: its headers now, its body when it has been read. */
  primary: (answer: PrimaryAnswer) => void
  /** The user's request failed; there is nothing to compare. */
  abandon: () => void
  /** False once the shadow has ended without needing legacy's answer (a snapshot it could not store). */
  wantsPrimary: () => boolean
}

export interface ShadowRunner {
  budget: Pick<ShadowBudget, 'active' | 'queued'>
  /** Starts a shadow; null when the budget is full (already counted). */
  start: (target: ShadowTarget, call: ForwardRequest) => ShadowRun | null
  /** Takes the session snapshot (bounded wait), then starts; null when skipped (already counted). */
  startStateful: (target: ShadowTarget, call: ForwardRequest, config: GatewayConfig) => Promise<ShadowRun | null>
  /** Stateful shadows' snapshots and ordering guard; undefined without them. */
  stateful: StatefulShadows | undefined
  /** Counts a shadow that was planned but could not be sent. */
  drop: (target: Pick<ShadowTarget, 'feature' | 'route'>, reason: DropReason) => void
  idle: () => Promise<void>
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface ShadowRunnerOptions {
  /** The gateway whose events (data-plane/events.ts) this runner publishes. */
  gateway: FastifyInstance
  store: DiffStore
  log: FastifyBaseLogger
  budget: ShadowBudgetConfig
  stateful?: StatefulShadows
}

export function createShadowRunner (options: ShadowRunnerOptions): ShadowRunner {
  const { gateway, store, log, stateful } = options
  // One budget per process; its limits come from the configuration the gateway started with.
  const budget: ShadowBudget = createShadowBudget(options.budget.maxConcurrent, options.budget.maxQueue)

  const count = (target: Pick<ShadowTarget, 'feature' | 'route'>, outcome: DiffOutcome): void => {
    // countOutcome never rejects; nothing to wait for on the live path.
    store.countOutcome(target.feature, target.route, outcome).catch(() => {})
  }
  const drop: ShadowRunner['drop'] = (target, reason) => {
    count(target, 'dropped')
    publish('shadow-dropped', { gateway, feature: target.feature, reason })
  }

  const call = async (upstream: Upstream, request: ForwardRequest, target: ShadowTarget): Promise<ShadowCallResult> =>
    await callForShadow(upstream.pool, {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body as Buffer | null,
      timeoutMs: target.budget.timeoutMs,
      responseBodyBytes: target.budget.responseBodyBytes
    })

  type Primary = (PrimaryAnswer & { captured: Promise<TimedCapture> }) | null

  /** The two answers compared and recorded; with a snapshot, the two resulting sessions too. */
  async function exchange (target: ShadowTarget, request: ForwardRequest, primary: Promise<Primary>): Promise<void> {
    const snapshot = target.stateful
    if (snapshot !== undefined && !await snapshot.stored) return drop(target, 'snapshot_failed')
    const shadowHeaders: ForwardRequest['headers'] = { ...request.headers, [SHADOW_HEADER]: '1', [SHADOW_OF_HEADER]: target.requestId }
    if (snapshot !== undefined) {
      shadowHeaders[SNAPSHOT_HEADER] = snapshot.key
      shadowHeaders[SNAPSHOT_TTL_HEADER] = String(target.budget.snapshotTtlMs)
    }
    publish('shadow-sent', { gateway, feature: target.feature })
    const candidateCall = call(target.candidate, { ...request, headers: shadowHeaders, signal: undefined }, target)
    // A second legacy call would write the real session again: never for stateful shadows.
    const secondLegacy = target.compare.secondLegacyCall && IDEMPOTENT.has(target.method) && snapshot === undefined
      ? call(target.legacy, { ...request, headers: { ...shadowHeaders }, signal: undefined }, target)
      : Promise.resolve(undefined)
    const [candidate, answer, second] = await Promise.all([candidateCall, primary, secondLegacy])
    if (answer === null) return drop(target, 'primary_failed')
    const captured = await answer.captured
    if (captured.failed) return drop(target, 'primary_not_captured')
    const legacy: CapturedResponse = {
      status: answer.status,
      headers: answer.headers,
      body: captured.body,
      truncated: captured.truncated,
      latencyMs: captured.latencyMs
    }
    const sessions = snapshot === undefined || typeof candidate === 'string' ? null : await snapshot.sessions(candidate)
    if (typeof sessions === 'string') return drop(target, sessions)
    if (candidate === 'timeout') publish('shadow-timed-out', { gateway, feature: target.feature })
    // The comparison is CPU work: it waits for a turn of the event loop the live path is not using.
    await new Promise((resolve) => setImmediate(resolve))
    let result: ExchangeResult = typeof candidate === 'string'
      ? { verdict: 'error', differences: [], noiseDropped: 0, reason: candidate === 'timeout' ? `new did not answer within ${target.budget.timeoutMs} ms` : 'new failed to answer' }
      : compareExchange(legacy, candidate, target.compare, typeof second === 'object' ? second : undefined)
    if (sessions !== null) result = withSessionDifferences(result, compareSessions(sessions.legacy, sessions.candidate, target.compare))
    const candidateSide = typeof candidate === 'string' ? null : { status: candidate.status, latencyMs: candidate.latencyMs }
    const pair: ComparedPair = { feature: target.feature, route: target.route, legacy: { status: legacy.status, latencyMs: legacy.latencyMs }, candidate: candidateSide, result }
    publish('shadow-compared', { gateway, pair })
    // An equal pair has no differences to keep: the store only counts it.
    if (result.verdict === 'equal' && result.differences.length === 0) return await store.countOutcome(target.feature, target.route, 'equal')
    await store.record(buildDiffRecord({
      feature: target.feature,
      route: target.route,
      method: target.method,
      url: target.url,
      sessionId: target.sessionId,
      legacy: pair.legacy,
      candidate: candidateSide,
      result
    }))
  }

  function start (target: ShadowTarget, request: ForwardRequest): ShadowRun | null {
    let resolvePrimary!: (answer: Primary) => void
    const primary = new Promise<Primary>((resolve) => { resolvePrimary = resolve })
    const snapshot = target.stateful
    let ended = false
    const accepted = budget.tryRun(async () => {
      try {
        await exchange(target, request, primary)
      } finally {
        ended = true
        await snapshot?.cleanup()
      }
    })
    if (!accepted) {
      drop(target, 'budget_full')
      snapshot?.cleanup().catch(() => {})
      return null
    }
    return {
      // Legacy's latency ends when its body has been read, not when the slower side of the pair is in.
      primary: (answer) => {
        const captured = answer.captured.then((c) => ({ ...c, latencyMs: performance.now() - answer.startedAt }))
        // Legacy's resulting session is read as soon as its answer is complete, before the user's next request.
        if (snapshot !== undefined) captured.then(snapshot.legacyAnswered, () => {})
        resolvePrimary({ ...answer, captured })
      },
      abandon: () => resolvePrimary(null),
      wantsPrimary: () => !ended
    }
  }

  async function startStateful (target: ShadowTarget, request: ForwardRequest, config: GatewayConfig): Promise<ShadowRun | null> {
    // A full budget drops the shadow before the user waits for a snapshot that would not be used.
    if (stateful === undefined || (budget.active >= options.budget.maxConcurrent && budget.queued >= options.budget.maxQueue)) {
      drop(target, stateful === undefined ? 'snapshot_failed' : 'budget_full')
      return null
    }
    const prepared = await stateful.prepare(target, config)
    if (typeof prepared === 'string') {
      drop(target, prepared)
      return null
    }
    return start({ ...target, stateful: prepared }, request)
  }

  log.debug({ budget: options.budget }, 'shadow runner ready')
  return { budget, start, startStateful, stateful, drop, idle: budget.idle }
}
