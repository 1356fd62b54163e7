/**
 * Model names as the legacy app resolves and checks them (services/model_selector.py and
 * SecurityUtils.validate_model_name). The whitelist is stricter than what /api/models lists.
 */

export const DEFAULT_MODEL = 'gemini/gemini-1.5-flash'

const GEMINI_WHITELIST = new Set([
  'gemini-1.5-flash', 'gemini-1.5-flash-latest', 'gemini-1.5-flash-002', 'gemini-1.5-flash-8b',
  'gemini-1.5-pro', 'gemini-1.5-pro-latest', 'gemini-1.5-pro-002', 'gemini-1.0-pro',
  'gemini-2.0-flash', 'gemini-2.0-flash-exp', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro'
])

const MAX_MODEL_NAME_CHARS = 50

export type ModelMode = 'chat' | 'scenario' | 'watch' | 'feedback'

/** DEFAULT_MODEL and the per-mode overrides, from the environment in legacy. */
export interface ModelSettings {
  defaultModel: string
  chatModel?: string
  scenarioModel?: string
  watchModel?: string
  feedbackModel?: string
}

export function modelSettingsFromEnv (env: NodeJS.ProcessEnv = process.env): ModelSettings {
  return {
    defaultModel: env.DEFAULT_MODEL || DEFAULT_MODEL,
    chatModel: env.CHAT_MODEL || undefined,
    scenarioModel: env.SCENARIO_MODEL || undefined,
    watchModel: env.WATCH_MODEL || undefined,
    feedbackModel: env.FEEDBACK_MODEL || undefined
  }
}

/** The client's non-empty choice wins, then `<MODE>_MODEL`, then DEFAULT_MODEL; feedback ignores the client. */
export function resolveModel (settings: ModelSettings, mode: ModelMode, selected: unknown): string {
  if (mode === 'feedback') return settings.feedbackModel ?? settings.defaultModel
  if (typeof selected === 'string' && selected !== '') return selected
  const perMode = { chat: settings.chatModel, scenario: settings.scenarioModel, watch: settings.watchModel }[mode]
  return perMode ?? settings.defaultModel
}

export function isAllowedModelName (name: string): boolean {
  if (name === '') return true
  if (/^ollama\/[\w.-]+(:[\w.-]+)?$/.test(name)) return true
  if (name.length > MAX_MODEL_NAME_CHARS) return false
  return GEMINI_WHITELIST.has(name.replace(/^gemini\//, ''))
}
