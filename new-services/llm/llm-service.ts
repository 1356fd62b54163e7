/**
 * The LLM service: picks a provider by model name and configuration and applies the legacy
 * temperature. `offline` mode answers every model name with the deterministic provider.
 */
import { createGeminiProvider } from './gemini-provider.js'
import { parseModelName } from './model-names.js'
import { createOfflineProvider, type OfflineProviderOptions } from './offline-provider.js'
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.js'
import { DEFAULT_TEMPERATURE, type ChatMessage, type LlmProvider } from './llm-types.js'

export type LlmMode = 'offline' | 'network'

export interface LlmServiceOptions {
  /** `offline`: every model is served by the offline provider. Default from llmOptionsFromEnv. */
  mode: LlmMode
  gemini?: { apiKey: string, baseUrl?: string, timeoutMs?: number }
  ollama?: { baseUrl?: string, apiKey?: string, timeoutMs?: number }
  offline?: OfflineProviderOptions
  temperature?: number
  /** Replace a provider outright (tests, or a custom backend). */
  providers?: Partial<Record<'gemini' | 'ollama' | 'offline', LlmProvider>>
}

export interface CallOptions {
  signal?: AbortSignal
}

export interface LlmService {
  /** Which provider would serve this model name ("offline", "gemini", "openai-compatible"). */
  providerFor (model: string): string
  complete (model: string, messages: ChatMessage[], options?: CallOptions): Promise<string>
  stream (model: string, messages: ChatMessage[], options?: CallOptions): AsyncIterable<string>
}

type Env = Record<string, string | undefined>

/**
 * LLM_PROVIDER=offline|network; unset means network when GOOGLE_API_KEY is set, else offline.
 * GOOGLE_API_KEY, GEMINI_BASE_URL, OLLAMA_BASE_URL, OLLAMA_API_KEY, LLM_TIMEOUT_MS,
 * OFFLINE_CHUNK_DELAY_MS.
 */
export function llmOptionsFromEnv (env: Env = process.env): LlmServiceOptions {
  const apiKey = env.GOOGLE_API_KEY ?? ''
  const requested = env.LLM_PROVIDER
  const mode: LlmMode = requested === 'offline' || requested === 'network'
    ? requested
    : (apiKey === '' ? 'offline' : 'network')
  const timeoutMs = env.LLM_TIMEOUT_MS != null ? Number(env.LLM_TIMEOUT_MS) : undefined
  return {
    mode,
    gemini: { apiKey, baseUrl: env.GEMINI_BASE_URL, timeoutMs },
    ollama: { baseUrl: env.OLLAMA_BASE_URL, apiKey: env.OLLAMA_API_KEY, timeoutMs },
    offline: { chunkDelayMs: Number(env.OFFLINE_CHUNK_DELAY_MS ?? 0) }
  }
}

export function createLlmService (options: LlmServiceOptions): LlmService {
  const temperature = options.temperature ?? DEFAULT_TEMPERATURE
  const offline = options.providers?.offline ?? createOfflineProvider(options.offline)
  let gemini = options.providers?.gemini
  let ollama = options.providers?.ollama

  // Network providers are built on first use, so an offline deployment never needs their keys.
  function pick (model: string): { provider: LlmProvider, model: string } {
    const parsed = parseModelName(model)
    if (options.mode === 'offline') return { provider: offline, model }
    if (parsed.provider === 'ollama') {
      ollama ??= createOpenAiCompatibleProvider(options.ollama)
      return { provider: ollama, model: parsed.model }
    }
    gemini ??= createGeminiProvider({ apiKey: '', ...options.gemini })
    return { provider: gemini, model: parsed.model }
  }

  return {
    providerFor (model) {
      return pick(model).provider.name
    },
    async complete (model, messages, callOptions = {}) {
      const target = pick(model)
      return await target.provider.complete({ model: target.model, messages, temperature, signal: callOptions.signal })
    },
    stream (model, messages, callOptions = {}) {
      const target = pick(model)
      return target.provider.stream({ model: target.model, messages, temperature, signal: callOptions.signal })
    }
  }
}
