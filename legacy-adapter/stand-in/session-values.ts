/**
 * Typed views of the legacy session keys. Sessions come from disk or Redis written by either
 * app, so shapes are checked rather than trusted; a wrong shape reads as missing.
 */
import type { SessionData } from '@strangler-gateway/flask-session'
import type { HistoryEntry } from './chat-prompts.js'
import type { WatchEntry } from './watch-prompts.js'

export type Dict = Record<string, unknown>

export const isDict = (value: unknown): value is Dict =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** A dict-valued key, created empty when missing (Python's `session.setdefault(key, {})`). */
export function dictKey (session: SessionData, key: string): Dict {
  if (!isDict(session[key])) session[key] = {}
  return session[key] as Dict
}

export function chatHistory (session: SessionData): HistoryEntry[] | undefined {
  const value = session.chat_history
  return Array.isArray(value) ? value as HistoryEntry[] : undefined
}

export function scenarioHistory (session: SessionData, scenarioId: string): HistoryEntry[] | undefined {
  const all = session.scenario_history
  if (!isDict(all)) return undefined
  const value = all[scenarioId]
  return Array.isArray(value) ? value as HistoryEntry[] : undefined
}

export function watchHistory (session: SessionData): WatchEntry[] | undefined {
  const value = session.watch_history
  return Array.isArray(value) ? value as WatchEntry[] : undefined
}
