/**
 * OpenAI-compatible chat completions (`POST {base}/chat/completions`), as Ollama Cloud and a local
 * Ollama serve them; the legacy app reaches `ollama/<name>` models this way.
 */
import { request as undiciRequest, type Dispatcher } from 'undici'
import { LlmError, LlmMalformedResponseError, LlmRateLimitError, parseRetryAfter } from './errors.js'
import { sseDataEvents } from './sse-events.js'
import type { LlmProvider, LlmRequest } from './llm-types.js'

export const DEFAULT_OLLAMA_BASE_URL = 'https://ollama.com/v1'
export const DEFAULT_LLM_TIMEOUT_MS = 60_000

export interface OpenAiCompatibleOptions {
  baseUrl?: string
  apiKey?: string
  timeoutMs?: number
  dispatcher?: Dispatcher
}

export function createOpenAiCompatibleProvider (options: OpenAiCompatibleOptions = {}): LlmProvider {
  const endpoint = `${(options.baseUrl ?? DEFAULT_OLLAMA_BASE_URL).replace(/\/+$/, '')}/chat/completions`
  const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS

  async function post (req: LlmRequest, stream: boolean): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData
    try {
      response = await undiciRequest(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'text/event-stream' : 'application/json',
          ...(options.apiKey != null && options.apiKey !== '' ? { authorization: `Bearer ${options.apiKey}` } : {})
        },
        body: JSON.stringify({ model: req.model, messages: req.messages, temperature: req.temperature, stream }),
        signal: req.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(options.dispatcher != null ? { dispatcher: options.dispatcher } : {})
      })
    } catch (err) {
      throw new LlmError(`OpenAI-compatible endpoint unreachable: ${(err as Error).message}`, { cause: err })
    }
    if (response.statusCode >= 400) throw await errorFromResponse(response)
    return response
  }

  return {
    name: 'openai-compatible',
    async complete (req) {
      const response = await post(req, false)
      let payload: any
      try {
        payload = await response.body.json()
      } catch (err) {
        throw new LlmMalformedResponseError('OpenAI-compatible endpoint sent a body that is not JSON', { cause: err })
      }
      const content = payload?.choices?.[0]?.message?.content
      if (typeof content !== 'string') throw new LlmMalformedResponseError('OpenAI-compatible response has no choices[0].message.content')
      return content
    },
    async * stream (req) {
      const response = await post(req, true)
      for await (const data of sseDataEvents(response.body)) {
        if (data.trim() === '[DONE]') return
        let event: any
        try {
          event = JSON.parse(data)
        } catch (err) {
          response.body.destroy()
          throw new LlmMalformedResponseError('OpenAI-compatible stream sent an event that is not JSON', { cause: err })
        }
        if (event?.error != null) throw new LlmError(`OpenAI-compatible stream error: ${describe(event.error)}`)
        const delta = event?.choices?.[0]?.delta?.content
        if (typeof delta === 'string' && delta !== '') yield delta
      }
    }
  }
}

async function errorFromResponse (response: Dispatcher.ResponseData): Promise<LlmError> {
  const text = await response.body.text().catch(() => '')
  let message = text.slice(0, 300)
  try { message = describe(JSON.parse(text)?.error ?? message) } catch {}
  if (response.statusCode === 429) {
    const header = response.headers['retry-after']
    return new LlmRateLimitError(`rate limited by the OpenAI-compatible endpoint: ${message}`, parseRetryAfter(Array.isArray(header) ? header[0] : header))
  }
  return new LlmError(`OpenAI-compatible endpoint answered ${response.statusCode}: ${message}`)
}

function describe (error: unknown): string {
  if (typeof error === 'string') return error
  if (error != null && typeof error === 'object' && 'message' in error) return String(error.message)
  return JSON.stringify(error)
}
