/**
 * Runs shadow exchanges: the same request to new (marked, so new writes no real session), in
 * parallel with the user's request to legacy, inside the budget; then, off the live path, the
 * two answers go through the diff engine and into the diff store. Nothing here can fail or delay
 * the user's response: every error ends as a counted outcome.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { ShadowBudgetConfig, CompareConfig } from '../config/types.js'
import { compareExchange } from '../diff/compare-exchange.js'
import type { CapturedResponse, ExchangeResult } from '../diff/types.js'
import { buildDiffRecord } from '../diff-store/build-record.js'
import type { DiffOutcome, DiffStore } from '../diff-store/types.js'
import type { ForwardRequest } from '../proxy/forward.js'
import type { Upstream } from '../proxy/upstream.js'
import { captureBody, type Captured } from './capture.js'
import { createShadowBudget, type ShadowBudget } from './shadow-budget.js'

export const SHADOW_HEADER = 'x-shadow-request'
export const SHADOW_OF_HEADER = 'x-shadow-of'

export type DropReason = 'budget_full' | 'body_too_large' | 'primary_failed' | 'primary_not_captured'

export interface ShadowEvents {
  onSent: Array<(feature: string) => void>
  onDropped: Array<(feature: string, reason: DropReason) => void>
  onTimedOut: Array<(feature: string) => void>
  onCompared: Array<(pair: ComparedPair) => void>
}

export interface ComparedPair {
  feature: string
  route: string
  legacy: { status: number, latencyMs: number }
  candidate: { status: number, latencyMs: number } | null
  result: ExchangeResult
}

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
}

export interface ShadowRunner {
  events: ShadowEvents
  budget: Pick<ShadowBudget, 'active' | 'queued'>
  /** Starts a shadow; null when the budget is full (already counted). */
  start: (target: ShadowTarget, call: ForwardRequest) => ShadowRun | null
  /** Counts a shadow that was planned but could not be sent. */
  drop: (target: Pick<ShadowTarget, 'feature' | 'route'>, reason: DropReason) => void
  idle: () => Promise<void>
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS'])

export function createShadowRunner (options: { store: DiffStore, log: FastifyBaseLogger, budget: ShadowBudgetConfig }): ShadowRunner {
  const { store, log } = options
  const events: ShadowEvents = { onSent: [], onDropped: [], onTimedOut: [], onCompared: [] }
  // One budget per process; its limits come from the configuration the gateway started with.
  const budget: ShadowBudget = createShadowBudget(options.budget.maxConcurrent, options.budget.maxQueue)

  const count = (target: Pick<ShadowTarget, 'feature' | 'route'>, outcome: DiffOutcome): void => {
    // countOutcome never rejects; nothing to wait for on the live path.
    store.countOutcome(target.feature, target.route, outcome).catch(() => {})
  }
  const drop: ShadowRunner['drop'] = (target, reason) => {
    count(target, 'dropped')
    for (const listener of events.onDropped) listener(target.feature, reason)
  }

  async function call (upstream: Upstream, request: ForwardRequest, target: ShadowTarget): Promise<CapturedResponse | 'timeout' | 'failed'> {
    const started = performance.now()
    try {
      const response = await upstream.pool.request({
        method: request.method as 'GET',
        path: request.path,
        headers: request.headers,
        body: request.body as Buffer | null,
        signal: AbortSignal.timeout(target.budget.timeoutMs)
      })
      const captured = await captureBody(response.body, target.budget.responseBodyBytes)
      if (captured.failed) return 'failed'
      return { status: response.statusCode, headers: response.headers, body: captured.body, truncated: captured.truncated, latencyMs: performance.now() - started }
    } catch (err) {
      const name = (err as Error).name
      return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'failed'
    }
  }

  function start (target: ShadowTarget, request: ForwardRequest): ShadowRun | null {
    let resolvePrimary!: (answer: (PrimaryAnswer & { captured: Promise<TimedCapture> }) | null) => void
    const primary = new Promise<(PrimaryAnswer & { captured: Promise<TimedCapture> }) | null>((resolve) => { resolvePrimary = resolve })
    const shadowHeaders = { ...request.headers, [SHADOW_HEADER]: '1', [SHADOW_OF_HEADER]: target.requestId }
    const shadowRequest: ForwardRequest = { ...request, headers: shadowHeaders, signal: undefined }

    const accepted = budget.tryRun(async () => {
      for (const listener of events.onSent) listener(target.feature)
      const candidateCall = call(target.candidate, shadowRequest, target)
      const secondLegacy = target.compare.secondLegacyCall && IDEMPOTENT.has(target.method)
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
      if (candidate === 'timeout') for (const listener of events.onTimedOut) listener(target.feature)
      // The comparison is CPU work: it waits for a turn of the event loop the live path is not using.
      await new Promise((resolve) => setImmediate(resolve))
      const result: ExchangeResult = typeof candidate === 'string'
        ? { verdict: 'error', differences: [], noiseDropped: 0, reason: candidate === 'timeout' ? `new did not answer within ${target.budget.timeoutMs} ms` : 'new failed to answer' }
        : compareExchange(legacy, candidate, target.compare, typeof second === 'object' ? second : undefined)
      const candidateSide = typeof candidate === 'string' ? null : { status: candidate.status, latencyMs: candidate.latencyMs }
      const pair: ComparedPair = { feature: target.feature, route: target.route, legacy: { status: legacy.status, latencyMs: legacy.latencyMs }, candidate: candidateSide, result }
      for (const listener of events.onCompared) listener(pair)
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
    })
    if (!accepted) {
      drop(target, 'budget_full')
      return null
    }
    return {
      // Legacy's latency ends when its body has been read, not when the slower side of the pair is in.
      primary: (answer) => resolvePrimary({
        ...answer,
        captured: answer.captured.then((c) => ({ ...c, latencyMs: performance.now() - answer.startedAt }))
      }),
      abandon: () => resolvePrimary(null)
    }
  }

  log.debug({ budget: options.budget }, 'shadow runner ready')
  return { events, budget, start, drop, idle: budget.idle }
}
