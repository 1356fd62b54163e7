/**
 * Google Gemini through Google's official SDK (@google/genai 2.x, the last line that runs on
 * Node 20). The SDK speaks the documented REST format: `models/<m>:generateContent` and
 * `:streamGenerateContent?alt=sse`, key in `x-goog-api-key`; `baseUrl` points it elsewhere.
 */
import { ApiError, GoogleGenAI, type Content } from '@google/genai'
import { LlmError, LlmMalformedResponseError, LlmRateLimitError, parseRetryAfter } from './errors.js'
import { DEFAULT_LLM_TIMEOUT_MS } from './openai-compatible-provider.js'
import type { ChatMessage, LlmProvider, LlmRequest } from './llm-types.js'

export interface GeminiProviderOptions {
  apiKey: string
  /** Default Google's `https://generativelanguage.googleapis.com`. */
  baseUrl?: string
  timeoutMs?: number
}

export function createGeminiProvider (options: GeminiProviderOptions): LlmProvider {
  if (options.apiKey === '') return missingKeyProvider()
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      timeout: options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS,
      // A 429 must reach the client as 429 with retry_after, as in the legacy app, not be retried here.
      retryOptions: { attempts: 1 },
      ...(options.baseUrl != null ? { baseUrl: options.baseUrl } : {})
    }
  })

  function params (req: LlmRequest): Parameters<typeof client.models.generateContent>[0] {
    const system = req.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n')
    return {
      model: req.model,
      contents: toContents(req.messages),
      config: {
        temperature: req.temperature,
        ...(system !== '' ? { systemInstruction: system } : {}),
        ...(req.signal != null ? { abortSignal: req.signal } : {})
      }
    }
  }

  return {
    name: 'gemini',
    async complete (req) {
      let text: string | undefined
      try {
        text = (await client.models.generateContent(params(req))).text
      } catch (err) {
        throw translateGeminiError(err)
      }
      if (typeof text !== 'string') throw new LlmMalformedResponseError('Gemini response has no candidates[0].content.parts text')
      return text
    },
    async * stream (req) {
      try {
        for await (const chunk of await client.models.generateContentStream(params(req))) {
          const text = chunk.text
          if (typeof text === 'string' && text !== '') yield text
        }
      } catch (err) {
        throw translateGeminiError(err)
      }
    }
  }
}

/** Gemini has no assistant role: it is `model`; system text travels as systemInstruction. */
function toContents (messages: ChatMessage[]): Content[] {
  return messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }))
}

/** The one place SDK errors become LLM errors. */
export function translateGeminiError (err: unknown): LlmError {
  if (err instanceof LlmError) return err
  const message = err instanceof Error ? err.message : String(err)
  if (err instanceof ApiError) {
    if (err.status === 429 || message.includes('RESOURCE_EXHAUSTED')) {
      const delay = /"retryDelay"\s*:\s*"([^"]+)"/.exec(message)?.[1]
      return new LlmRateLimitError(`rate limited by Gemini: ${message.slice(0, 300)}`, parseRetryAfter(delay), { cause: err })
    }
    return new LlmError(`Gemini answered ${err.status}: ${message.slice(0, 300)}`, { cause: err })
  }
  if (err instanceof SyntaxError) return new LlmMalformedResponseError(`Gemini sent a malformed response: ${message}`, { cause: err })
  return new LlmError(`Gemini request failed: ${message}`, { cause: err })
}

/** Without a key every call fails the same clear way, with no network call. */
function missingKeyProvider (): LlmProvider {
  const fail = (): never => { throw new LlmError('GOOGLE_API_KEY is not set; set it or use LLM_PROVIDER=offline') }
  return {
    name: 'gemini',
    async complete () { return fail() },
    async * stream () { yield fail() }
  }
}
