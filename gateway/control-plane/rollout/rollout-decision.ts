/**
 * The controller's rule, a pure function of one reading of the report: promote once the verdict
 * has been `ready` for the whole bake time, hold while the data is insufficient, and on
 * `not_ready` roll back (automatic rollback on) or pause. Any reading that is not `ready` starts
 * the bake over.
 */
import type { RolloutStep } from '../../core/config/gateway-config.js'
import type { VerdictStatus } from '../../analysis/report/verdict.js'
import type { DecisionFigures } from './rollout-state.js'
import type { Decision } from './rollout-vocabulary.js'

export interface DecideInput {
  verdict: VerdictStatus
  readySince: number | null
  bakeMs: number
  autoRollback: boolean
  dryRun: boolean
  now: number
}

export interface DecideResult {
  decision: Decision
  readySince: number | null
  why: string
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

export function decide ({ verdict, readySince, bakeMs, autoRollback, dryRun, now }: DecideInput): DecideResult {
  if (verdict === 'not_ready') {
    const decision = autoRollback ? 'rollback' : 'pause'
    return {
      decision: dryRun ? `would_${decision}` : decision,
      readySince: null,
      why: autoRollback ? 'the verdict is not_ready and automatic rollback is on' : 'the verdict is not_ready and automatic rollback is off'
    }
  }
  if (verdict === 'insufficient_data') return { decision: 'hold', readySince: null, why: 'not enough samples on this step yet' }
  const since = readySince ?? now
  const baked = now - since
  if (baked >= bakeMs) {
    return { decision: dryRun ? 'would_promote' : 'promote', readySince: since, why: `ready for ${seconds(baked)}, the bake time is ${seconds(bakeMs)}` }
  }
  return { decision: 'bake', readySince: since, why: `ready for ${seconds(baked)} of the ${seconds(bakeMs)} bake time` }
}

/**
 * The report's verdict counts a source once both its sides have enough samples, so on a canary
 * step shadow pairs alone could make it `ready` before any user was served by new. A step is only
 * ready on its own evidence: shadow pairs on the shadow step, new-served live requests on a
 * canary step, pairs of new's answers and legacy's copies on the live step. `not_ready` stands whatever the source: one failing source is enough.
 */
export function stepVerdict (step: RolloutStep, figures: DecisionFigures): { verdict: VerdictStatus, why: string | null } {
  if (figures.verdict !== 'ready') return { verdict: figures.verdict, why: null }
  const { minSamples } = figures
  if (step === 'shadow' || step === 'live') {
    // The live step's pairs are new's answers with legacy's copies: shadow pairs the other way round.
    const { old, new: candidate } = figures.shadow
    if (old.requests >= minSamples && candidate.requests >= minSamples) return { verdict: 'ready', why: null }
    return { verdict: 'insufficient_data', why: `the ${step} step is judged on shadow pairs: ${Math.min(old.requests, candidate.requests)} of ${minSamples}` }
  }
  const { old, new: candidate } = figures.live
  if (old.requests >= minSamples && candidate.requests >= minSamples) return { verdict: 'ready', why: null }
  return { verdict: 'insufficient_data', why: `a canary step is judged on live traffic: ${candidate.requests} new-served and ${old.requests} legacy-served requests, ${minSamples} needed on each side` }
}
