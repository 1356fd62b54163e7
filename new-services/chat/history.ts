/** Session history entries and how they become LLM messages. */
import type { ChatMessage } from '../llm/llm-types.js'

export interface Exchange {
  human: string
  ai: string
  timestamp: string
}

/** Chat and scenario turns send only the newest 5 exchanges to the model, as the legacy app does. */
export const LLM_CONTEXT_EXCHANGES = 5

export function asExchanges (value: unknown): Exchange[] {
  if (!Array.isArray(value)) return []
  return value.filter((e): e is Exchange => e != null && typeof e === 'object' && typeof e.human === 'string' && typeof e.ai === 'string')
}

export function exchangesToMessages (history: Exchange[], limit = LLM_CONTEXT_EXCHANGES): ChatMessage[] {
  return history.slice(-limit).flatMap((e) => [
    { role: 'user' as const, content: e.human },
    { role: 'assistant' as const, content: e.ai }
  ])
}

/** A stored history list as it is (entries this code does not understand are kept on write). */
export function storedList (value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
