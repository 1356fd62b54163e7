/**
 * What a rollout plan's steps mean for the flags, and the checks routes.yaml's schema cannot
 * express. A step is an admin override: `shadow` is flag off and canary 0 (legacy serves
 * everyone while the feature's routes.yaml `shadow.sample` mirrors traffic to new; the sample is
 * not an override, so the step cannot change it); a number N is flag on and canary N%; `live` is
 * flag on at 100 % with stage live (new serves everyone, `shadow.sample` of it copied to legacy);
 * `complete` is the same with stage complete (no more copies), and only an operator takes it.
 */
import { ROLLED_BACK } from '../../data-plane/overrides/override-store.js'
import type { FeatureConfig, RolloutConfig, RolloutStep } from '../../core/config/gateway-config.js'
import type { FeatureOverride } from '../../data-plane/overrides/override-store.js'

export function stepOverride (step: RolloutStep): FeatureOverride {
  if (step === 'shadow') return { ...ROLLED_BACK }
  return typeof step === 'number' ? { enabled: true, canary: step } : { enabled: true, canary: 100, stage: step }
}

export function stepLabel (step: RolloutStep | undefined): string {
  if (step === undefined) return '-'
  return typeof step === 'number' ? `canary ${step}%` : step
}

/** The step's canary percent (shadow 0; live and complete 100), for the step gauge. */
export function stepCanary (step: RolloutStep): number {
  return typeof step === 'number' ? step : step === 'shadow' ? 0 : 100
}

export function sameOverride (a: FeatureOverride | undefined, b: FeatureOverride | undefined): boolean {
  return a?.enabled === b?.enabled && a?.canary === b?.canary && a?.stage === b?.stage
}

/** Why a plan cannot run; empty when it can. */
export function planProblems (plan: RolloutConfig, feature: FeatureConfig): string[] {
  const problems: string[] = []
  plan.steps.forEach((step, i) => {
    if (step === 'shadow' && i > 0) problems.push(`steps[${i}]: shadow can only be the first step`)
    const previous = plan.steps[i - 1]
    if (typeof step === 'number' && typeof previous === 'number' && step <= previous) {
      problems.push(`steps[${i}]: ${step} does not grow from ${previous}; canary steps must increase`)
    }
    if (typeof step === 'number' && (previous === 'live' || previous === 'complete')) problems.push(`steps[${i}]: no canary step after ${previous}`)
    if (step === 'live' && (previous === 'live' || previous === 'complete')) problems.push(`steps[${i}]: live comes once, before complete`)
    if (step === 'complete' && (previous !== 'live' || i !== plan.steps.length - 1)) problems.push(`steps[${i}]: complete can only be the last step, right after live`)
  })
  if (plan.steps.includes('live') && feature.shadow.sample === 0) {
    problems.push('the live step needs shadow.sample > 0 for this feature: it is the share of new\'s traffic copied to legacy')
  }
  if (plan.steps[0] === 'shadow' && feature.shadow.sample === 0) {
    problems.push('the shadow step needs shadow.sample > 0 for this feature, or nothing is compared and it holds for ever')
  }
  return problems
}
