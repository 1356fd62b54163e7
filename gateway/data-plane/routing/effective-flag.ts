/**
 * The effective flag of a feature, and where it came from. Precedence (docs/architecture.md, "One request", step 2):
 * environment USE_NEW_<FEATURE> > admin override > routes.yaml. The environment is read once:
 * a process's environment does not change while it runs.
 */
import type { FeatureConfig } from '../../core/config/gateway-config.js'
import type { FeatureStage, OverrideStore } from '../overrides/override-store.js'

export type FlagSource = 'env' | 'admin' | 'yaml'

export interface EffectiveFlag {
  enabled: boolean
  canary: number
  source: { enabled: FlagSource, canary: FlagSource }
  /** The admin override's stage past the canary; it counts only with the flag on at 100 % (isLive). */
  stage: FeatureStage | null
}

/** The live stage: new serves everyone and legacy gets sampled copies (docs/rollout.md). */
export function isLive (flag: EffectiveFlag): boolean {
  return flag.enabled && flag.canary >= 100 && flag.stage === 'live'
}

export function envFlagName (feature: string): string {
  return `USE_NEW_${feature.toUpperCase()}`
}

/** Parses USE_NEW_* values; anything other than true/false (any case, or 1/0) is ignored and reported. */
export function readEnvFlags (env: NodeJS.ProcessEnv, features: Iterable<string>): {
  flags: Map<string, boolean>
  invalid: Array<{ name: string, value: string }>
} {
  const flags = new Map<string, boolean>()
  const invalid: Array<{ name: string, value: string }> = []
  for (const feature of features) {
    const name = envFlagName(feature)
    const value = env[name]
    if (value === undefined || value === '') continue
    const normalised = value.trim().toLowerCase()
    if (normalised === 'true' || normalised === '1') flags.set(feature, true)
    else if (normalised === 'false' || normalised === '0') flags.set(feature, false)
    else invalid.push({ name, value })
  }
  return { flags, invalid }
}

export function effectiveFlag (
  feature: string,
  yaml: FeatureConfig,
  overrides: OverrideStore,
  envFlags: ReadonlyMap<string, boolean>
): EffectiveFlag {
  const override = overrides.get(feature)
  const envEnabled = envFlags.get(feature)
  let enabled = yaml.enabled
  let enabledSource: FlagSource = 'yaml'
  if (envEnabled !== undefined) {
    enabled = envEnabled
    enabledSource = 'env'
  } else if (override?.enabled !== undefined) {
    enabled = override.enabled
    enabledSource = 'admin'
  }
  const canarySource: FlagSource = override?.canary !== undefined ? 'admin' : 'yaml'
  const canary = override?.canary ?? yaml.canary
  return { enabled, canary, source: { enabled: enabledSource, canary: canarySource }, stage: override?.stage ?? null }
}
