/**
 * What the route plugins share: the model, model settings, scenarios, feature flags and the
 * random source. Passed as plugin options rather than decorated, so each route file states what
 * it uses.
 */
import type { LegacyLlm } from './offline-llm.js'
import type { ModelSettings } from './models.js'
import type { LegacyScenario } from './scenario-catalog.js'
import type { RandomSource } from './strength-analysis.js'

/** The kill switches /api/feature_flags reports (ENABLE_* in legacy). */
export interface FeatureFlags {
  modelSelection: boolean
  tts: boolean
  learningHistory: boolean
  strengthAnalysis: boolean
}

/** How /api/session/health describes the store. */
export interface SessionHealthInfo {
  store: 'filesystem' | 'redis'
  sessionDir?: string
  connectionInfo?: Record<string, unknown>
}

export interface StandInContext {
  llm: LegacyLlm
  models: ModelSettings
  scenarios: Map<string, LegacyScenario>
  flags: FeatureFlags
  random: RandomSource
  sessionHealth: SessionHealthInfo
  now: () => Date
}
