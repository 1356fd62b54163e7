import t from 'tap'
import { DEFAULT_MODEL, isAllowedModelName, parseModelName, resolveModel } from '../../../new-services/llm/model-names.js'

t.test('resolveModel: client > <MODE>_MODEL > DEFAULT_MODEL, feedback ignores the client', async (t) => {
  t.equal(resolveModel('chat', null, {}), DEFAULT_MODEL)
  t.equal(DEFAULT_MODEL, 'gemini/gemini-1.5-flash')
  t.equal(resolveModel('chat', '', { CHAT_MODEL: 'gemini/gemini-2.5-pro' }), 'gemini/gemini-2.5-pro')
  t.equal(resolveModel('chat', 'ollama/llama3', { CHAT_MODEL: 'gemini/gemini-2.5-pro' }), 'ollama/llama3')
  t.equal(resolveModel('watch', null, { DEFAULT_MODEL: 'gemini-2.0-flash', SCENARIO_MODEL: 'x' }), 'gemini-2.0-flash')
  t.equal(resolveModel('scenario', undefined, { SCENARIO_MODEL: 'gemini/gemini-1.5-pro' }), 'gemini/gemini-1.5-pro')
  t.equal(resolveModel('feedback', 'ollama/llama3', {}), DEFAULT_MODEL)
  t.equal(resolveModel('feedback', 'ollama/llama3', { FEEDBACK_MODEL: 'gemini/gemini-2.5-flash' }), 'gemini/gemini-2.5-flash')
})

t.test('the whitelist accepts what the legacy app accepts and nothing else', async (t) => {
  for (const ok of ['', null, undefined, 'gemini/gemini-1.5-flash', 'gemini-2.5-pro', 'gemini-1.5-flash-8b', 'ollama/llama3', 'ollama/gpt-oss:120b']) {
    t.ok(isAllowedModelName(ok), `accepts ${String(ok)}`)
  }
  for (const bad of ['gpt-4', 'gemini/gemini-3.0-ultra', 'gemini-pro', 'ollama/', 'ollama/a b', 'openai/gpt-4', 42, '<script>', 'gemini/' + 'x'.repeat(60)]) {
    t.notOk(isAllowedModelName(bad), `rejects ${String(bad)}`)
  }
})

t.test('parseModelName picks the provider and remaps deprecated Gemini names', async (t) => {
  t.same(parseModelName('gemini/gemini-1.5-pro'), { provider: 'gemini', model: 'gemini-1.5-pro' })
  t.same(parseModelName('gemini-2.0-flash'), { provider: 'gemini', model: 'gemini-2.0-flash' })
  t.same(parseModelName('ollama/gpt-oss:20b'), { provider: 'ollama', model: 'gpt-oss:20b' })
  for (const old of ['gemini-pro', 'gemini/gemini-1.0-pro', 'gemini-pro-vision']) {
    t.same(parseModelName(old), { provider: 'gemini', model: 'gemini-1.5-flash' }, old)
  }
})
