/**
 * Model resolution and the model-name whitelist, as the legacy app's `resolve_model` and
 * `SecurityUtils.validate_model_name` behave (docs/legacy-app.md §6.1).
 */

export type ModelMode = 'chat' | 'scenario' | 'watch' | 'feedback'

export const DEFAULT_MODEL = 'gemini/gemini-1.5-flash'

const ALLOWED_GEMINI_MODELS = new Set([
  'gemini-1.5-flash', 'gemini-1.5-flash-latest', 'gemini-1.5-flash-002', 'gemini-1.5-flash-8b',
  'gemini-1.5-pro', 'gemini-1.5-pro-latest', 'gemini-1.5-pro-002', 'gemini-1.0-pro',
  'gemini-2.0-flash', 'gemini-2.0-flash-exp', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.5-pro'
])
const MAX_GEMINI_NAME_LENGTH = 50
const OLLAMA_NAME = /^ollama\/[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9._-]+)?$/

/** Names Google retired; the legacy app quietly serves them with gemini-1.5-flash. */
const DEPRECATED_GEMINI_MODELS: Record<string, string> = {
  'gemini-pro': 'gemini-1.5-flash',
  'gemini-1.0-pro': 'gemini-1.5-flash',
  'gemini-pro-vision': 'gemini-1.5-flash'
}

type Env = Record<string, string | undefined>

/** Client choice > <MODE>_MODEL > DEFAULT_MODEL; the feedback mode never listens to the client. */
export function resolveModel (mode: ModelMode, selected: unknown, env: Env = process.env): string {
  const fallback = nonEmpty(env.DEFAULT_MODEL) ?? DEFAULT_MODEL
  const modeModel = nonEmpty(env[`${mode.toUpperCase()}_MODEL`])
  if (mode === 'feedback') return modeModel ?? fallback
  return nonEmpty(selected) ?? modeModel ?? fallback
}

/** True when the legacy whitelist accepts the name (an empty name is accepted, as there). */
export function isAllowedModelName (name: unknown): boolean {
  if (name == null || name === '') return true
  if (typeof name !== 'string') return false
  if (name.startsWith('ollama/')) return OLLAMA_NAME.test(name)
  const bare = name.startsWith('gemini/') ? name.slice('gemini/'.length) : name
  return bare.length <= MAX_GEMINI_NAME_LENGTH && ALLOWED_GEMINI_MODELS.has(bare)
}

export interface ParsedModel {
  provider: 'gemini' | 'ollama'
  /** The name the provider's API expects. */
  model: string
}

export function parseModelName (name: string): ParsedModel {
  if (name.startsWith('ollama/')) return { provider: 'ollama', model: name.slice('ollama/'.length) }
  const bare = name.startsWith('gemini/') ? name.slice('gemini/'.length) : name
  return { provider: 'gemini', model: DEPRECATED_GEMINI_MODELS[bare] ?? bare }
}

function nonEmpty (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
