/** The legacy kill-switch flags (ENABLE_*), read from the environment. */
import { DEFAULT_MODEL } from '../llm/model-names.js'
import type { Env } from '../service-context.js'

export interface FeatureFlags {
  model_selection: boolean
  tts: boolean
  learning_history: boolean
  strength_analysis: boolean
  default_model: string
}

function flag (value: string | undefined, fallback: boolean): boolean {
  if (value == null || value === '') return fallback
  return ['true', '1', 'yes', 'on'].includes(value.toLowerCase())
}

export function featureFlagsFromEnv (env: Env): FeatureFlags {
  return {
    model_selection: flag(env.ENABLE_MODEL_SELECTION, true),
    // TTS stays off unless asked for: the legacy app switched it off after a billing incident.
    tts: flag(env.ENABLE_TTS, false),
    learning_history: flag(env.ENABLE_LEARNING_HISTORY, true),
    strength_analysis: flag(env.ENABLE_STRENGTH_ANALYSIS, true),
    default_model: env.DEFAULT_MODEL != null && env.DEFAULT_MODEL !== '' ? env.DEFAULT_MODEL : DEFAULT_MODEL
  }
}
