/**
 * The rollout controller. Every tick each replica tries to take (or keep) the controller lock;
 * the holder then, for every feature with a running rollout:
 *
 * 1. applies the state: when the step's override is not yet written (`applied: false`, after a
 *    promotion, a rollback, an abort, or a crash between the state write and the override
 *    write), it writes it (idempotent), takes the report baseline and marks the step entered.
 *    Entering the last step finishes the rollout.
 * 2. every `intervalMs`, reads the feature's report since the step was entered, with the plan's
 *    thresholds, and decides (decide.ts). The decision and its figures are written with the
 *    state, fenced by the lock, in one write; a promotion or rollback is then applied at once.
 *
 * The step index lives only in the state, and it moves only by a fenced compare-and-set, so a
 * replica taking over continues exactly where the last one stopped: never a step skipped or twice.
 *
 * The step into `complete` is never the controller's: a live step that would be promoted holds
 * until an operator completes it.
 *
 * Only the lock holder drives (drive() returns before applying or evaluating otherwise), and a
 * holder whose lock has lapsed finds its fenced writes refused. So a rollback's alert is sent
 * where its override was applied and the state write marking it applied succeeded: by exactly
 * one replica, also when the holder died between the decision and the override and the next
 * holder applies it.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { ConfigHolder } from '../../data-plane/config-holder.js'
import type { RolloutConfig } from '../../core/config/gateway-config.js'
import type { FeatureOverride, OverrideStore } from '../../data-plane/overrides/override-store.js'
import type { GatewayAlerts } from '../alerts/alerts-plugin.js'
import { handoffGate, type HandoffGate, type HandoffGateOutcome } from '../handoff/handoff-gate.js'
import { buildFeatureReport, type ReportContext } from '../report/build-report.js'
import { readBaseline, windowMinutesSince } from '../../analysis/report/since.js'
import { ROLLED_BACK } from '../../data-plane/overrides/override-store.js'
import type { ControllerLock } from './controller-lock.js'
import { decide, stepVerdict } from './rollout-decision.js'
import { decisionFigures } from './figures.js'
import { sameOverride, stepLabel, stepOverride } from './plan.js'
import { controllerCaller, rolloutAuditEntry } from './rollout-audit.js'
import type { RolloutMetrics } from './rollout-metrics.js'
import type { Evaluation, RolloutState, RolloutStateStore } from './rollout-state.js'
import type { Decision } from './rollout-vocabulary.js'

export const MAX_TICK_MS = 5_000
export const MIN_LOCK_TTL_MS = 2_000

export interface RolloutControllerOptions {
  holder: ConfigHolder
  overrides: OverrideStore
  store: RolloutStateStore
  lock: ControllerLock
  report: () => ReportContext
  metrics: RolloutMetrics
  log: FastifyBaseLogger
  replicaId: string
  /** Told of every automatic rollback once applied (the alerts plugin's app.alerts). */
  alerts?: GatewayAlerts
  now?: () => number
  /** Runs before a promotion when the plan says handoffCheck (default: the real check). */
  handoffCheck?: HandoffGate
}

export interface RolloutController {
  /** One pass; the timer calls it, tests may too. */
  tick (): Promise<void>
  isLeader (): boolean
  tickMs (): number
  lockTtlMs (): number
  start (): void
  /** Stops the timer, waits for a running tick, frees the lock. */
  stop (): Promise<void>
}

const STATE_CHANGES: ReadonlySet<Decision> = new Set(['promote', 'rollback', 'pause'])

export function createRolloutController (options: RolloutControllerOptions): RolloutController {
  const { holder, overrides, store, lock, metrics, log, replicaId } = options
  const now = options.now ?? Date.now
  const who = controllerCaller(replicaId)
  let leader = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = false

  const plans = (): Array<[string, RolloutConfig]> =>
    Object.entries(holder.current().config.features).flatMap(([f, c]) => c.rollout === undefined ? [] : [[f, c.rollout]])
  const tickMs = (): number => Math.min(MAX_TICK_MS, ...plans().map(([, plan]) => plan.intervalMs))
  const lockTtlMs = (): number => Math.max(MIN_LOCK_TTL_MS, 3 * tickMs())

  /** Fenced write; false when another writer got there first or the lock is gone. */
  async function write (next: RolloutState, current: RolloutState, action: Decision | null, evaluation?: Evaluation): Promise<boolean> {
    const audit = action === null ? undefined : rolloutAuditEntry(action, who, current, next, { evaluation })
    const result = await store.write(next, current.version, { fence: lock.token, audit })
    if (result === 'lock_lost') leader = false
    if (result === 'written') metrics.step(next.feature, next.steps[next.stepIndex], next.stepIndex, next.status)
    if (result !== 'written') log.info({ feature: next.feature, result }, 'rollout state changed under the controller; it reads it again next tick')
    return result === 'written'
  }

  /** The automatic rollback's alert: from the step's override (or what was there) to ROLLED_BACK. */
  function alertRollback (state: RolloutState, previous: FeatureOverride | undefined, at: number): void {
    if (options.alerts === undefined) return
    // A holder taking over after the last one wrote the override but not the state finds it
    // already rolled back: what was rolled back is then the step's override.
    const step = state.steps[state.stepIndex]
    const before = previous !== undefined && !sameOverride(previous, ROLLED_BACK) ? previous : stepOverride(step)
    options.alerts.rollback({
      record: { at: new Date(at).toISOString(), who, action: 'rollout.rollback', feature: state.feature, before: { ...before }, after: { ...ROLLED_BACK } },
      by: 'rollout-controller',
      why: state.reason,
      gates: state.last?.figures?.reasons.map((r) => r.code) ?? [],
      step: stepLabel(step)
    })
  }

  async function apply (state: RolloutState): Promise<RolloutState | null> {
    const { feature } = state
    const desired = state.status === 'aborted' || state.status === 'rolled_back' ? ROLLED_BACK : stepOverride(state.steps[state.stepIndex])
    const previous = overrides.get(feature)
    if (!state.dryRun && !sameOverride(previous, desired)) await overrides.set(feature, desired)
    const at = now()
    const next: RolloutState = { ...state, applied: true, updatedAt: at }
    let action: Decision | null = null
    if (state.status === 'running' || state.status === 'paused') {
      Object.assign(next, { stepEnteredAt: at, baseline: await readBaseline(options.report().recorder, feature, at), readySince: null })
      if (state.status === 'running' && state.stepIndex === state.steps.length - 1 && !state.dryRun) {
        Object.assign(next, { status: 'done', reason: `reached the last step, ${stepLabel(state.steps[state.stepIndex])}` })
        action = 'done'
      }
    }
    if (!await write(next, state, action)) return null
    if (action === 'done') metrics.decision(feature, 'done')
    if (state.status === 'rolled_back' && !state.dryRun) alertRollback(state, previous, at)
    log.info({ feature, step: state.steps[state.stepIndex], status: next.status, override: state.dryRun ? null : desired }, 'rollout step applied')
    return { ...next, version: state.version + 1 }
  }

  async function evaluate (state: RolloutState, plan: RolloutConfig): Promise<void> {
    const { feature } = state
    const at = now()
    const desired = stepOverride(state.steps[state.stepIndex])
    if (!state.dryRun && !sameOverride(overrides.get(feature), desired)) {
      // Someone changed the flag by hand: stop driving instead of fighting them.
      const evaluation: Evaluation = { at, decision: 'pause', why: `the flag was changed outside the rollout (${JSON.stringify(overrides.get(feature) ?? null)})`, figures: null }
      await record(state, { ...state, status: 'paused', reason: evaluation.why, last: evaluation, updatedAt: at }, evaluation)
      return
    }
    const since = { at: state.stepEnteredAt ?? at, baseline: state.baseline ?? {} }
    const ctx = options.report() // judged by the plan's thresholds (featureThresholds)
    const report = await buildFeatureReport(ctx, feature, windowMinutesSince(since, ctx.recorder.retentionMinutes, at), at, since)
    const figures = decisionFigures(report)
    const verdict = stepVerdict(state.steps[state.stepIndex], figures)
    const result = decide({ verdict: verdict.verdict, readySince: state.readySince, bakeMs: plan.bakeMs, autoRollback: plan.autoRollback, dryRun: state.dryRun, now: at })
    // The controller never completes a feature: from live, only an operator's word does (operator-actions.ts).
    if (state.steps[state.stepIndex + 1] === 'complete' && (result.decision === 'promote' || result.decision === 'would_promote')) {
      Object.assign(result, { decision: 'hold', why: `${result.why}; complete needs an operator's word (POST /admin/rollouts/${feature}/complete)` })
    }
    const handoff = await (options.handoffCheck ?? handoffGate)({ feature, plan, decision: result.decision, config: holder.current().config, log })
    if (handoff !== null) metrics.handoffCheck(feature, handoff.ok)
    if (handoff !== null && !handoff.ok) Object.assign(result, { decision: 'hold', why: handoff.why })
    const evaluation: Evaluation = { at, decision: result.decision, why: verdict.why ?? result.why, figures }
    const next: RolloutState = { ...state, readySince: result.readySince, last: evaluation, updatedAt: at }
    if (result.decision === 'promote') {
      Object.assign(next, { stepIndex: state.stepIndex + 1, applied: false, stepEnteredAt: null, baseline: null, readySince: null })
    } else if (result.decision === 'rollback') {
      Object.assign(next, { status: 'rolled_back', applied: false, reason: `${result.why}: ${report.recommendation.reasons.map((r) => r.message).join('; ')}` })
    } else if (result.decision === 'pause') {
      Object.assign(next, { status: 'paused', reason: `${result.why}: ${report.recommendation.reasons.map((r) => r.message).join('; ')}` })
    }
    const written = await record(state, next, evaluation)
    // A failure is alerted once, when it starts or its reason changes, not on every evaluation.
    if (written !== null && handoff !== null && !handoff.ok && state.last?.why !== handoff.why) alertHandoff(state, handoff, at)
    if (written !== null && !written.applied) await apply(written)
  }

  function alertHandoff (state: RolloutState, handoff: Extract<HandoffGateOutcome, { ok: false }>, at: number): void {
    const result = handoff.result ?? { status: 'unavailable' as const, reason: handoff.why, sessions: [], at: new Date(at).toISOString() }
    options.alerts?.handoffFailed({ feature: state.feature, by: 'rollout-controller', who, result, step: stepLabel(state.steps[state.stepIndex]) })
  }

  /** Writes an evaluation; the audit trail gets it when it changes something or differs from the last one. */
  async function record (state: RolloutState, next: RolloutState, evaluation: Evaluation): Promise<RolloutState | null> {
    const { decision } = evaluation
    const audited = STATE_CHANGES.has(decision) || decision !== state.last?.decision
    if (!await write(next, state, audited ? decision : null, evaluation)) return null
    metrics.decision(state.feature, decision)
    const fields = { feature: state.feature, decision, step: state.steps[state.stepIndex], nextStep: next.steps[next.stepIndex], why: evaluation.why, figures: evaluation.figures }
    if (STATE_CHANGES.has(decision)) log.warn(fields, 'rollout decision')
    else log.info(fields, 'rollout decision')
    return { ...next, version: state.version + 1 }
  }

  async function drive (feature: string, plan: RolloutConfig): Promise<void> {
    let state = await store.get(feature)
    if (state === null) return
    metrics.step(feature, state.steps[state.stepIndex], state.stepIndex, state.status)
    if (!leader) return
    if (!state.applied) state = await apply(state)
    if (state === null || state.status !== 'running' || !state.applied) return
    if (now() - (state.last?.at ?? 0) >= plan.intervalMs) await evaluate(state, plan)
  }

  async function tick (): Promise<void> {
    const planned = plans()
    // No plan anywhere (any more): nothing to drive, no lock to hold.
    if (planned.length === 0) {
      if (leader) await lock.release().catch(() => {})
      leader = false
      metrics.leader(false)
      return
    }
    const wasLeader = leader
    try {
      leader = await lock.acquire(lockTtlMs())
    } catch (err) {
      leader = false
      log.warn({ err }, 'rollout controller lock: Redis error; not driving rollouts this tick')
    }
    metrics.leader(leader)
    if (leader && !wasLeader) {
      metrics.takeover()
      log.info({ replicaId }, 'rollout controller lock taken: this replica drives the rollouts')
    }
    for (const [feature, plan] of planned) {
      try {
        await drive(feature, plan)
      } catch (err) {
        log.error({ err, feature }, 'rollout controller: this feature\'s tick failed; it is retried next tick')
      }
    }
  }

  const schedule = (): void => {
    if (stopped) return
    timer = setTimeout(() => {
      running = tick().finally(() => { running = undefined; schedule() })
    }, tickMs())
  }

  return {
    tick,
    isLeader: () => leader,
    tickMs,
    lockTtlMs,
    start () {
      stopped = false
      schedule()
    },
    async stop () {
      stopped = true
      clearTimeout(timer)
      await running
      if (leader) await lock.release().catch((err: unknown) => log.warn({ err }, 'releasing the rollout controller lock failed; it expires by itself'))
      leader = false
    }
  }
}
