/** What every LLM provider speaks: a list of role-tagged messages in, text (whole or in chunks) out. */

export type ChatRole = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: ChatRole
  content: string
}

export interface LlmRequest {
  /** The provider's own model name, prefix already removed (`gemini-1.5-flash`, `llama3:8b`). */
  model: string
  messages: ChatMessage[]
  temperature: number
  signal?: AbortSignal
}

export interface LlmProvider {
  readonly name: string
  complete (request: LlmRequest): Promise<string>
  /** Yields text chunks as the provider produces them; throws LlmError subclasses. */
  stream (request: LlmRequest): AsyncIterable<string>
}

/** The legacy app's LangChain temperature (DEFAULT_TEMPERATURE). */
export const DEFAULT_TEMPERATURE = 0.7
