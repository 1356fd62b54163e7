import t from 'tap'
import { createLlmService, llmOptionsFromEnv } from '../../../new-services/llm/llm-service.js'
import { collect, startFakeServer } from '../helpers/fake-http-server.js'

t.test('configuration: offline unless GOOGLE_API_KEY is set or LLM_PROVIDER says otherwise', async (t) => {
  t.equal(llmOptionsFromEnv({}).mode, 'offline')
  t.equal(llmOptionsFromEnv({ GOOGLE_API_KEY: 'k' }).mode, 'network')
  t.equal(llmOptionsFromEnv({ GOOGLE_API_KEY: 'k', LLM_PROVIDER: 'offline' }).mode, 'offline')
  t.equal(llmOptionsFromEnv({ LLM_PROVIDER: 'network', OLLAMA_BASE_URL: 'http://x/v1' }).ollama?.baseUrl, 'http://x/v1')
})

t.test('offline mode serves every model name deterministically', async (t) => {
  const llm = createLlmService({ mode: 'offline' })
  t.equal(llm.providerFor('ollama/llama3'), 'offline')
  const messages = [{ role: 'user' as const, content: 'hello' }]
  t.equal(await llm.complete('gemini/gemini-1.5-flash', messages), await llm.complete('gemini/gemini-1.5-flash', messages))
  t.equal((await collect(llm.stream('gemini/gemini-1.5-flash', messages))).join(''), await llm.complete('gemini/gemini-1.5-flash', messages))
})

t.test('network mode routes by model name, remaps deprecated names, sends temperature 0.7', async (t) => {
  const gemini = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'from gemini' }] } }] }))
  })
  const ollama = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'from ollama' } }] }))
  })
  const llm = createLlmService({ mode: 'network', gemini: { apiKey: 'k', baseUrl: gemini.url }, ollama: { baseUrl: ollama.url, apiKey: 'o' } })
  const messages = [{ role: 'user' as const, content: 'hi' }]
  t.equal(llm.providerFor('gemini-pro'), 'gemini')
  t.equal(await llm.complete('gemini-pro', messages), 'from gemini')
  t.equal(gemini.requests[0].url, '/v1beta/models/gemini-1.5-flash:generateContent')
  t.equal(JSON.parse(gemini.requests[0].body).generationConfig.temperature, 0.7)
  t.equal(await llm.complete('ollama/llama3:8b', messages), 'from ollama')
  t.same(JSON.parse(ollama.requests[0].body), { model: 'llama3:8b', messages, temperature: 0.7, stream: false })
})
