import t from 'tap'
import { DEFAULT_MODEL, isAllowedModelName, modelSettingsFromEnv, resolveModel } from '../../../legacy-adapter/stand-in/models.js'

t.test('resolution: client choice, then <MODE>_MODEL, then DEFAULT_MODEL; feedback ignores the client', async (t) => {
  const settings = modelSettingsFromEnv({ CHAT_MODEL: 'gemini/gemini-2.0-flash', FEEDBACK_MODEL: 'gemini/gemini-1.5-pro' })
  t.equal(resolveModel(settings, 'chat', 'ollama/llama3'), 'ollama/llama3')
  t.equal(resolveModel(settings, 'chat', ''), 'gemini/gemini-2.0-flash')
  t.equal(resolveModel(settings, 'chat', null), 'gemini/gemini-2.0-flash')
  t.equal(resolveModel(settings, 'watch', null), DEFAULT_MODEL)
  t.equal(resolveModel(settings, 'feedback', 'ollama/x'), 'gemini/gemini-1.5-pro')
  t.equal(resolveModel(modelSettingsFromEnv({}), 'feedback', null), DEFAULT_MODEL)
})

t.test('whitelist', async (t) => {
  for (const ok of ['', 'gemini/gemini-1.5-flash', 'gemini-2.5-pro', 'ollama/llama3', 'ollama/qwen2.5:7b']) t.ok(isAllowedModelName(ok), ok)
  for (const bad of ['gpt-4', 'gemini/gemini-3.0-ultra', 'gemini/gemini-1.5-flash; rm', 'ollama/', 'ollama/a b']) t.notOk(isAllowedModelName(bad), bad)
})
