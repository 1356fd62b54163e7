/** LLM services whose every call fails with a chosen error. */
import { createLlmService, type LlmService } from '../../../new-services/llm/llm-service.js'
import type { LlmProvider } from '../../../new-services/llm/llm-types.js'

export function failingLlm (error: () => Error): LlmService {
  const provider: LlmProvider = {
    name: 'failing',
    async complete () { throw error() },
    async * stream () { throw error() }
  }
  return createLlmService({ mode: 'offline', providers: { offline: provider } })
}
