/**
 * What a rollout plan's steps mean for the flags, and the checks routes.yaml's schema cannot
 * express. A step is an admin override: `shadow` is flag off and canary 0 (legacy serves
 * everyone while the feature's routes.yaml `shadow.sample` mirrors traffic to new; the sample is
 * not an override, so the step cannot change it); a number N is flag on and canary N%.
 */
import { ROLLED_BACK } from '../../data-plane/overrides/override-store.js'
import type { FeatureConfig, RolloutConfig, RolloutStep } from '../../core/config/gateway-config.js'
import type { FeatureOverride } from '../../data-plane/overrides/override-store.js'

export function stepOverride (step: RolloutStep): FeatureOverride {
  return step === 'shadow' ? { ...ROLLED_BACK } : { enabled: true, canary: step }
}

export function stepLabel (step: RolloutStep | undefined): string {
  if (step === undefined) return '-'
  return step === 'shadow' ? 'shadow' : `canary ${step}%`
}

export function sameOverride (a: FeatureOverride | undefined, b: FeatureOverride | undefined): boolean {
  return a?.enabled === b?.enabled && a?.canary === b?.canary
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
  })
  if (plan.steps[0] === 'shadow' && feature.shadow.sample === 0) {
    problems.push('the shadow step needs shadow.sample > 0 for this feature, or nothing is compared and it holds for ever')
  }
  return problems
}
