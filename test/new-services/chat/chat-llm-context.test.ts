import t from 'tap'
import { createLlmService } from '../../../new-services/llm/llm-service.js'
import type { LlmProvider, LlmRequest } from '../../../new-services/llm/llm-types.js'
import { buildTestApp, newClient } from '../helpers/build-test-app.js'
import { startFakeServer } from '../helpers/fake-http-server.js'

t.test('the model sees the system prompt, the last 5 exchanges and the message', async (t) => {
  const seen: LlmRequest[] = []
  const recorder: LlmProvider = {
    name: 'recorder',
    async complete (request) { seen.push(request); return `reply ${seen.length}` },
    async * stream (request) { seen.push(request); yield 'streamed' }
  }
  const { app } = await buildTestApp(t, { llm: createLlmService({ mode: 'offline', providers: { offline: recorder } }) })
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'junior' })
  for (let i = 1; i <= 6; i++) await client.post('/api/chat', { message: `m${i}` })
  const last = seen.at(-1) as LlmRequest
  t.equal(last.temperature, 0.7)
  t.equal(last.messages[0].role, 'system')
  t.equal(last.messages[0].content, seen[0].messages[0].content, 'the stored system prompt')
  t.same(last.messages.slice(1).map((m) => `${m.role}:${m.content}`), [
    'user:m1', 'assistant:reply 2', 'user:m2', 'assistant:reply 3', 'user:m3', 'assistant:reply 4',
    'user:m4', 'assistant:reply 5', 'user:m5', 'assistant:reply 6', 'user:m6'
  ])
})

t.test('ollama/* models go to the OpenAI-compatible endpoint; its 429 reaches the client as 429', async (t) => {
  let limited = false
  const fake = await startFakeServer(t, (req, res) => {
    if (limited) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '5' })
      res.end('{"error":{"message":"slow down"}}')
      return
    }
    const body = JSON.parse(req.body)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: `${body.model} says <i>hi</i>` } }] }))
  })
  const { app } = await buildTestApp(t, { llm: { mode: 'network', ollama: { baseUrl: fake.url, apiKey: 'ok' } } })
  const client = await newClient(app)
  const start = await client.post('/api/start_chat', { model: 'ollama/llama3:8b', partner_type: 'boss' })
  t.same(start.json(), { response: 'llama3:8b says <i>hi</i>' }, 'start_chat answers raw text')
  const chat = await client.post('/api/chat', { message: 'こんにちは', model: 'ollama/llama3:8b' })
  t.same(chat.json(), { response: 'llama3:8b says hi' }, 'chat answers bleach-cleaned text')
  t.equal(fake.requests[1].headers.authorization, 'Bearer ok')
  limited = true
  const res = await client.post('/api/chat', { message: 'もう一度', model: 'ollama/llama3:8b' })
  t.equal(res.statusCode, 429)
  t.equal(res.json().retry_after, 5)
})
