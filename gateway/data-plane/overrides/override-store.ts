/**
 * Admin overrides of feature flags: what an operator set through the admin API, on top of
 * routes.yaml and below the USE_NEW_<FEATURE> environment variables.
 *
 * `get` and `all` are synchronous reads of a local copy, because they run on the live path for
 * every request; implementations that share state across replicas (Redis) keep that copy
 * current in the background.
 */
export interface FeatureOverride {
  enabled?: boolean
  /** 0-100 */
  canary?: number
  /**
   * Past the canary (docs/rollout.md, "The live stage"): with the flag on at 100 %, `live` sends
   * legacy a sampled copy of new's traffic; `complete` stops those copies. Only an override
   * carries it, so a rollback, which replaces the override, always ends it.
   */
  stage?: FeatureStage
}

export type FeatureStage = 'live' | 'complete'

/** A rolled-back feature: flag off, canary 0, as an override so it persists and reaches every replica. */
export const ROLLED_BACK: Readonly<FeatureOverride> = Object.freeze({ enabled: false, canary: 0 })

export interface OverrideChange {
  feature: string
  before: FeatureOverride | undefined
  after: FeatureOverride | undefined
}

export interface OverrideStore {
  get (feature: string): FeatureOverride | undefined
  all (): Readonly<Record<string, FeatureOverride>>
  /** Replaces the override of one feature; `undefined` removes it. */
  set (feature: string, override: FeatureOverride | undefined): Promise<OverrideChange>
  /** Called after any change, local or from another replica. */
  onChange (listener: (change: OverrideChange) => void): () => void
  close (): Promise<void>
}

/** The in-process store: one gateway, nothing shared, nothing persisted. */
export function createMemoryOverrideStore (): OverrideStore {
  const overrides = new Map<string, FeatureOverride>()
  const listeners = new Set<(change: OverrideChange) => void>()
  let snapshot: Readonly<Record<string, FeatureOverride>> = Object.freeze({})

  return {
    get: (feature) => overrides.get(feature),
    all: () => snapshot,
    async set (feature, override) {
      const before = overrides.get(feature)
      if (override === undefined) overrides.delete(feature)
      else overrides.set(feature, Object.freeze({ ...override }))
      snapshot = Object.freeze(Object.fromEntries(overrides))
      const change = { feature, before, after: overrides.get(feature) }
      for (const listener of listeners) listener(change)
      return change
    },
    onChange (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    async close () { listeners.clear() }
  }
}
