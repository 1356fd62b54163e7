/**
 * Conversation memory cap. The legacy app never trims its histories (they grow until cleared);
 * the new services keep the newest `cap` entries of each history when they write a session.
 */
import type { SessionData } from '@strangler-gateway/flask-session'

export const DEFAULT_HISTORY_CAP = 100

/** HISTORY_CAP as a positive integer; anything else fails loudly at start. */
export function historyCapFromEnv (env: Record<string, string | undefined>): number {
  const raw = env.HISTORY_CAP
  if (raw == null || raw === '') return DEFAULT_HISTORY_CAP
  const cap = Number(raw)
  if (!Number.isInteger(cap) || cap < 1) throw new Error(`HISTORY_CAP must be a positive integer, got "${raw}"`)
  return cap
}

function trim (value: unknown, cap: number): unknown {
  return Array.isArray(value) && value.length > cap ? value.slice(value.length - cap) : value
}

export function capHistories (data: SessionData, cap: number): SessionData {
  const capped: SessionData = { ...data }
  if ('chat_history' in capped) capped.chat_history = trim(capped.chat_history, cap)
  if ('watch_history' in capped) capped.watch_history = trim(capped.watch_history, cap)
  const scenarios = capped.scenario_history
  if (scenarios != null && typeof scenarios === 'object' && !Array.isArray(scenarios)) {
    capped.scenario_history = Object.fromEntries(Object.entries(scenarios).map(([id, list]) => [id, trim(list, cap)]))
  }
  return capped
}
