/**
 * What GET /admin/flags shows for each feature: the effective flag and canary, where each value
 * came from (env > admin > yaml), every layer underneath, and the migration stage that follows.
 */
import type { RuntimeSnapshot } from '../../data-plane/config-holder.js'
import type { FeatureOverride, OverrideStore } from '../../data-plane/overrides/override-store.js'
import { effectiveFlag, envFlagName, isLive, type EffectiveFlag, type FlagSource } from '../../data-plane/routing/effective-flag.js'

/** `live`: new serves everyone, legacy gets sampled copies; `complete`: the operator ended them. */
export type MigrationStage = 'legacy' | 'shadow' | 'canary' | 'live' | 'new' | 'complete'

export interface FeatureView {
  enabled: boolean
  canary: number
  source: { enabled: FlagSource, canary: FlagSource }
  stage: MigrationStage
  yaml: { enabled: boolean, canary: number }
  override: FeatureOverride | null
  env: { name: string, value: boolean | null }
  shadowSample: number
  fallback: boolean
  routes: string[]
}

export interface FlagsView {
  configVersion: number
  configLoadedAt: string
  features: Record<string, FeatureView>
  routes: Array<{ path: string, methods: string[], feature: string }>
}

export function stageOf (flag: EffectiveFlag, shadowSample: number): MigrationStage {
  const { enabled, canary } = flag
  if (enabled && canary >= 100) return isLive(flag) ? 'live' : flag.stage === 'complete' ? 'complete' : 'new'
  if (enabled && canary > 0) return 'canary'
  return shadowSample > 0 ? 'shadow' : 'legacy'
}

export function describeFeature (snapshot: RuntimeSnapshot, overrides: OverrideStore, feature: string): FeatureView {
  const yaml = snapshot.config.features[feature]
  const envFlags = snapshot.decideContext.envFlags
  const flag = effectiveFlag(feature, yaml, overrides, envFlags)
  return {
    enabled: flag.enabled,
    canary: flag.canary,
    source: flag.source,
    stage: stageOf(flag, yaml.shadow.sample),
    yaml: { enabled: yaml.enabled, canary: yaml.canary },
    override: overrides.get(feature) ?? null,
    env: { name: envFlagName(feature), value: envFlags.get(feature) ?? null },
    shadowSample: yaml.shadow.sample,
    fallback: yaml.fallback,
    routes: snapshot.config.routes.filter((route) => route.feature === feature).map((route) => route.path)
  }
}

export function describeFlags (snapshot: RuntimeSnapshot, overrides: OverrideStore): FlagsView {
  const features: Record<string, FeatureView> = {}
  for (const feature of Object.keys(snapshot.config.features)) features[feature] = describeFeature(snapshot, overrides, feature)
  return {
    configVersion: snapshot.version,
    configLoadedAt: snapshot.loadedAt.toISOString(),
    features,
    routes: snapshot.config.routes.map(({ path, methods, feature }) => ({ path, methods, feature }))
  }
}

/**
 * The environment outranks the admin API. A rollback (canary 0) still keeps traffic on legacy
 * while USE_NEW_X=true, but the operator must know the flag itself stays on.
 */
export function envWarnings (view: FeatureView, feature: string): string[] {
  if (view.env.value !== true) return []
  return [`${view.env.name}=true in the gateway's environment outranks the admin API, so "${feature}" stays enabled; ` +
    `canary ${view.canary} decides who is served by new. Remove ${view.env.name} and restart the gateway to turn it off for good.`]
}
