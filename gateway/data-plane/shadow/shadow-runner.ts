/**
 * Runs shadow exchanges: the same request to new (marked, so new writes no real session), in
 * parallel with the user's request to legacy, inside the budget; then, off the live path, the
 * two answers go through the diff engine and into the diff store. Nothing here can fail or delay
 * the user's response: every error ends as a counted outcome. A stateful shadow also carries a
 * session snapshot (stateful-shadow.ts), and its session effects are compared too. In the live
 * stage the roles turn (`primary: 'new'`): new serves, the copy goes to legacy (stateful ones on
 * a session clone, live-session-clone.ts), and the pair is still compared and named by app.
 *
 * At shutdown `abandonAll` ends every shadow at once: those queued and those running are counted
 * dropped with reason `shutdown`, their calls are aborted, and any shadow planned afterwards is
 * dropped the same way. A shadow whose outcome was already decided keeps it.
 *
 * Shadows never cost the users: while the gateway's own event-loop delay is over
 * `shadow.protect.eventLoopDelayMs`, or beyond the share the latency guard admits
 * (`shadow.protect.p95Ratio`, latency-guard.ts), new shadows are shed (`pressure`), and so are
 * those waiting in the queue when a window goes over budget (their captured answers let go); a shadow whose bytes
 * (mirrored request body, legacy's captured answer) would take the shadows' total over
 * `shadow.maxBufferedBytes` is dropped (`memory`) and its copy let go.
 *
 * Counts add up: every request the proxy samples (`sampled`) ends exactly once, as compared,
 * dropped (with a reason) or errored (`shadow-ended`); `pending` are those not ended yet.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { ShadowBudgetConfig, CompareConfig, GatewayConfig } from '../../core/config/gateway-config.js'
import { compareSessions, withSessionDifferences } from '../../analysis/diff/compare-sessions.js'
import type { CapturedResponse, ExchangeResult } from '../../analysis/diff/diff-types.js'
import { buildDiffRecord } from '../../analysis/diff-store/build-record.js'
import type { DiffOutcome, DiffStore } from '../../analysis/diff-store/diff-store-types.js'
import type { SnapshotLease } from '../config-holder.js'
import type { ForwardRequest } from '../proxy/forward.js'
import type { Upstream } from '../proxy/upstream-pool.js'
import type { Captured, CopyHold } from './capture.js'
import { callForShadow, type ShadowCallResult } from './shadow-call.js'
import { createByteBudget, createShadowBudget, type ByteBudget, type BytesHold, type ShadowBudget } from './shadow-budget.js'
import { createShadowPressure, type ShadowPressure } from './shadow-pressure.js'
import type { StatefulExchange, StatefulShadows } from './stateful-shadow.js'
import { publish, type ComparedPair, type DropReason } from '../events.js'
import { createShadowLedger, RunOutcome, type ShadowCounts } from './shadow-ledger.js'
import { compareByApp, comparedPair, copySide, type ShadowPrimary } from './shadow-pair.js'
import { inShadowScope } from './shadow-scope.js'

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
  /**
   * The hold on the snapshot `candidate` and `legacy` come from: a started shadow retains it until
   * it ends, so a reload meanwhile leaves those pools open. Absent: the caller keeps them open.
   */
  lease?: Pick<SnapshotLease, 'retain' | 'release'>
  /** `stateful`: started with startStateful, which takes the session snapshot first. */
  mode: 'stateless' | 'stateful'
  /**
   * The side serving the user; `candidate` is the other. `new`: the live stage, legacy gets the
   * copy (stateful ones on a session clone). Unset: legacy.
   */
  primary?: ShadowPrimary
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
  /** Where the capture of legacy's answer counts its bytes (the byte budget). */
  hold: CopyHold
}

export interface ShadowRunner {
  budget: Pick<ShadowBudget, 'active' | 'queued'>
  /** The bytes shadows hold now, against `shadow.maxBufferedBytes`. */
  bytes: Pick<ByteBudget, 'used' | 'max'>
  /** The gateway's own pressure (`shadow.protect`). */
  pressure: Pick<ShadowPressure, 'high' | 'p99Ms' | 'limitMs' | 'admitted' | 'p95Ms' | 'baselineP95Ms' | 'observe' | 'watchesLatency' | 'sample'>
  /** The proxy sampled this request for a shadow: from now it must end in start, startStateful or drop. */
  sampled: (target: { feature: string }) => void
  /** Sampled, compared, dropped, errored and pending, per feature. */
  counts: () => Record<string, ShadowCounts>
  /** Starts a shadow; null when the budget is full (already counted). */
  start: (target: ShadowTarget, call: ForwardRequest) => ShadowRun | null
  /** Takes the session snapshot (bounded wait), then starts; null when skipped (already counted). */
  startStateful: (target: ShadowTarget, call: ForwardRequest, config: GatewayConfig) => Promise<ShadowRun | null>
  /** Stateful shadows' snapshots and ordering guard; undefined without them. */
  stateful: StatefulShadows | undefined
  /** Counts a shadow that was planned but could not be sent. */
  drop: (target: Pick<ShadowTarget, 'feature' | 'route'>, reason: DropReason) => void
  /**
   * Shutdown: every queued and running shadow is dropped (reason `shutdown`) and its calls
   * aborted; from now on every new shadow is dropped the same way. Returns how many were abandoned.
   */
  abandonAll: () => number
  idle: () => Promise<void>
  /** Stops the pressure monitor (the gateway's onClose). */
  close: () => void
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
  const bytes: ByteBudget = createByteBudget(options.budget.maxBufferedBytes)
  /** Shadows accepted but still waiting in the budget's queue: shed at once under pressure. */
  const queued = new Set<(reason: DropReason) => boolean>()
  const pressure: ShadowPressure = createShadowPressure(options.budget.protect, () => {
    for (const abandon of [...queued]) abandon('pressure')
  })
  /** Set by abandonAll: no shadow runs any more. */
  let shutDown = false
  /** Each accepted shadow not yet ended (running or queued), as the function that abandons it. */
  const live = new Set<(reason: DropReason) => boolean>()

  const { sampled, ended, counts } = createShadowLedger(gateway)

  const count = (target: Pick<ShadowTarget, 'feature' | 'route'>, outcome: DiffOutcome): void => {
    // countOutcome never rejects; nothing to wait for on the live path.
    store.countOutcome(target.feature, target.route, outcome).catch(() => {})
  }
  const drop: ShadowRunner['drop'] = (target, reason) => {
    count(target, 'dropped')
    publish('shadow-dropped', { gateway, feature: target.feature, reason })
    ended(target.feature, 'dropped', reason)
  }

  const call = async (upstream: Upstream, request: ForwardRequest, target: ShadowTarget, register: (abort: () => void) => () => void): Promise<ShadowCallResult> =>
    await callForShadow(upstream.pool, {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body as Buffer | null,
      timeoutMs: target.budget.timeoutMs,
      responseBodyBytes: target.budget.responseBodyBytes,
      register
    })

  type Primary = (PrimaryAnswer & { captured: Promise<TimedCapture> }) | null

  /**
   * The two answers compared and recorded; with a snapshot, the two resulting sessions too.
   * Once `outcome` is abandoned (shutdown counted it), it stops at its next step, counting nothing.
   */
  async function exchange (
    target: ShadowTarget, request: ForwardRequest, primary: Promise<Primary>, outcome: RunOutcome, register: (abort: () => void) => () => void
  ): Promise<void> {
    const dropped = (reason: DropReason): void => { if (outcome.decide()) drop(target, reason) }
    const snapshot = target.stateful
    if (snapshot !== undefined && !await snapshot.stored) return dropped('snapshot_failed')
    if (outcome.abandoned) return
    const shadowHeaders: ForwardRequest['headers'] = { ...request.headers, [SHADOW_HEADER]: '1', [SHADOW_OF_HEADER]: target.requestId }
    if (snapshot !== undefined) Object.assign(shadowHeaders, snapshot.headers)
    publish('shadow-sent', { gateway, feature: target.feature })
    const candidateCall = call(target.candidate, { ...request, headers: shadowHeaders, signal: undefined }, target, register)
    // A second legacy call would write the real session again: never for stateful shadows.
    const secondLegacy = target.compare.secondLegacyCall && IDEMPOTENT.has(target.method) && snapshot === undefined && target.primary !== 'new'
      ? call(target.legacy, { ...request, headers: { ...shadowHeaders }, signal: undefined }, target, register)
      : Promise.resolve(undefined)
    const [candidate, answer, second] = await Promise.all([candidateCall, primary, secondLegacy])
    if (outcome.abandoned) return
    if (answer === null) return dropped('primary_failed')
    const captured = await answer.captured
    if (outcome.abandoned) return
    if (captured.overBudget === true) return dropped('memory')
    if (captured.failed) return dropped('primary_not_captured')
    const legacy: CapturedResponse = {
      status: answer.status,
      headers: answer.headers,
      body: captured.body,
      truncated: captured.truncated,
      latencyMs: captured.latencyMs
    }
    const sessions = snapshot === undefined || typeof candidate === 'string' ? null : await snapshot.sessions(candidate)
    if (outcome.abandoned) return
    if (typeof sessions === 'string') return dropped(sessions)
    // The comparison is CPU work: it waits for a turn of the event loop the live path is not using.
    await new Promise((resolve) => setImmediate(resolve))
    if (!outcome.decide()) return
    if (candidate === 'timeout') publish('shadow-timed-out', { gateway, feature: target.feature })
    let result: ExchangeResult
    try {
      result = typeof candidate === 'string'
        ? { verdict: 'error', differences: [], noiseDropped: 0, reason: candidate === 'timeout' ? `${copySide(target.primary)} did not answer within ${target.budget.timeoutMs} ms` : `${copySide(target.primary)} failed to answer` }
        : compareByApp(target, legacy, candidate, typeof second === 'object' ? second : undefined)
      if (sessions !== null) result = withSessionDifferences(result, compareSessions(sessions.legacy, sessions.candidate, target.compare, target.compare.session.keys))
    } catch (err) {
      // The engine failing on one pair is that pair's error, never a shadow that vanishes.
      log.warn({ err, feature: target.feature, route: target.route }, 'shadow comparison failed')
      result = { verdict: 'error', differences: [], noiseDropped: 0, reason: 'comparison failed' }
    }
    const candidateSide = typeof candidate === 'string' ? null : { status: candidate.status, latencyMs: candidate.latencyMs }
    const pair: ComparedPair = comparedPair(target, { status: legacy.status, latencyMs: legacy.latencyMs }, candidateSide, result)
    publish('shadow-compared', { gateway, pair })
    ended(target.feature, result.verdict === 'equal' || result.verdict === 'different' ? 'compared' : 'errored')
    // An equal pair has no differences to keep: the store only counts it.
    if (result.verdict === 'equal' && result.differences.length === 0) return await store.countOutcome(target.feature, target.route, 'equal')
    await store.record(buildDiffRecord({
      feature: target.feature,
      route: target.route,
      method: target.method,
      url: target.url,
      sessionId: target.sessionId,
      primary: pair.primary,
      legacy: pair.legacy,
      candidate: pair.candidate,
      result
    }))
  }

  /** Why a new shadow cannot start now, before it takes anything: shutdown, pressure (loop delay, or the users' latency). */
  const refusal = (): DropReason | null => shutDown ? 'shutdown' : pressure.admit() ? null : 'pressure'

  function start (target: ShadowTarget, request: ForwardRequest): ShadowRun | null {
    const snapshot = target.stateful
    const refused = refusal()
    if (refused !== null) {
      drop(target, refused)
      snapshot?.cleanup().catch(() => {})
      return null
    }
    let resolvePrimary!: (answer: Primary) => void
    const primary = new Promise<Primary>((resolve) => { resolvePrimary = resolve })
    let over = false
    // Abandoned (shutdown, byte budget), the shadow is counted and gives its place in the budget
    // and its bytes back at once; its exchange, left behind with its calls aborted, stops at its
    // next step.
    const outcome = new RunOutcome()
    let release!: () => void
    const released = new Promise<void>((resolve) => { release = resolve })
    const aborts = new Set<() => void>()
    const register = (abort: () => void): () => void => {
      aborts.add(abort)
      return () => { aborts.delete(abort) }
    }
    const abandon = (reason: DropReason): boolean => {
      queued.delete(abandon)
      release()
      hold.releaseAll()
      if (!outcome.abandon()) return false
      drop(target, reason)
      for (const abort of [...aborts]) abort()
      return true
    }
    // Over the byte budget (now, or later while legacy's answer is captured): dropped at once.
    // Queued, it leaves the queue when its turn comes (it runs nothing).
    const hold: BytesHold = bytes.hold(() => { abandon('memory') })
    const body = Buffer.isBuffer(request.body) ? request.body : null
    if (body !== null && body.length > 0 && !hold.take(body.length)) {
      snapshot?.cleanup().catch(() => {})
      return null
    }
    live.add(abandon)
    queued.add(abandon)
    // Held from now (the task may wait in the budget's queue) until the shadow's calls are over.
    const lease = target.lease
    lease?.retain()
    // In the shadow's own scope (shadow-scope.ts): a tracer gives it its own span, not the user's.
    const accepted = budget.tryRun(inShadowScope(gateway, target, async () => {
      queued.delete(abandon)
      try {
        if (!outcome.abandoned) await Promise.race([exchange(target, request, primary, outcome, register), released])
      } catch (err) {
        // Anything unforeseen still ends the shadow once, as an error.
        if (outcome.decide()) {
          log.warn({ err, feature: target.feature, route: target.route }, 'shadow failed')
          count(target, 'error')
          ended(target.feature, 'errored')
        }
      } finally {
        over = true
        live.delete(abandon)
        hold.releaseAll()
        lease?.release()
        await snapshot?.cleanup()
      }
    }))
    if (!accepted) {
      live.delete(abandon)
      queued.delete(abandon)
      hold.releaseAll()
      lease?.release()
      drop(target, 'budget_full')
      snapshot?.cleanup().catch(() => {})
      return null
    }
    return {
      // Legacy's latency ends when its body has been read, not when the slower side of the pair is in.
      primary: (answer) => {
        const captured = answer.captured.then((c) => ({ ...c, latencyMs: performance.now() - answer.startedAt }))
        // The served side's resulting session is read as soon as its answer is complete, before the user's next request.
        if (snapshot !== undefined) captured.then(snapshot.primaryAnswered, () => {})
        resolvePrimary({ ...answer, captured })
      },
      abandon: () => resolvePrimary(null),
      wantsPrimary: () => !over && !outcome.abandoned,
      hold: { take: (n) => !over && hold.take(n) }
    }
  }

  async function startStateful (target: ShadowTarget, request: ForwardRequest, config: GatewayConfig): Promise<ShadowRun | null> {
    const refused = refusal()
    if (refused !== null) {
      drop(target, refused)
      return null
    }
    // A full budget drops the shadow before the user waits for a snapshot that would not be used.
    if (stateful === undefined || (budget.active >= options.budget.maxConcurrent && budget.queued >= options.budget.maxQueue)) {
      drop(target, stateful === undefined ? 'snapshot_failed' : 'budget_full')
      return null
    }
    const prepared = target.primary === 'new'
      ? await stateful.prepareLive({ ...target, cookie: request.headers.cookie }, config)
      : await stateful.prepare(target, config)
    if (typeof prepared === 'string') {
      drop(target, prepared)
      return null
    }
    return start({ ...target, stateful: prepared }, request)
  }

  const abandonAll = (): number => {
    shutDown = true
    let abandoned = 0
    // Each abandoned shadow aborts its own calls.
    for (const abandon of [...live]) if (abandon('shutdown')) abandoned++
    return abandoned
  }

  log.debug({ budget: options.budget }, 'shadow runner ready')
  return {
    budget,
    bytes,
    pressure,
    sampled,
    counts,
    start,
    startStateful,
    stateful,
    drop,
    abandonAll,
    idle: budget.idle,
    close: () => { pressure.close() }
  }
}
