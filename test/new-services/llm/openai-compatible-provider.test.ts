import t from 'tap'
import { LlmError, LlmMalformedResponseError, LlmRateLimitError } from '../../../new-services/llm/errors.js'
import { createOpenAiCompatibleProvider } from '../../../new-services/llm/openai-compatible-provider.js'
import { collect, startFakeServer } from '../helpers/fake-http-server.js'

const request = { model: 'gpt-oss:20b', temperature: 0.7, messages: [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'こんにちは' }] }

t.test('complete posts the documented chat completions body with the bearer key', async (t) => {
  const fake = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'やあ' }, finish_reason: 'stop' }] }))
  })
  const provider = createOpenAiCompatibleProvider({ baseUrl: `${fake.url}/v1/`, apiKey: 'ok-key' })
  t.equal(await provider.complete(request), 'やあ')
  const [seen] = fake.requests
  t.equal(seen.method, 'POST')
  t.equal(seen.url, '/v1/chat/completions')
  t.equal(seen.headers.authorization, 'Bearer ok-key')
  t.same(JSON.parse(seen.body), { model: 'gpt-oss:20b', messages: request.messages, temperature: 0.7, stream: false })
})

t.test('stream yields each delta until [DONE]', async (t) => {
  const fake = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const event = (content: string | undefined): string => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: content == null ? { role: 'assistant' } : { content } }] })}\n\n`
    res.write(event(undefined))
    res.write(event('おは'))
    res.write(': keep-alive comment\n\n')
    res.write(event('よう'))
    res.write('data: [DONE]\n\n')
    res.end()
  })
  const provider = createOpenAiCompatibleProvider({ baseUrl: `${fake.url}/v1` })
  t.same(await collect(provider.stream(request)), ['おは', 'よう'])
  t.equal(JSON.parse(fake.requests[0].body).stream, true)
  t.equal(fake.requests[0].headers.authorization, undefined)
})

t.test('429 becomes a rate-limit error carrying Retry-After', async (t) => {
  const fake = await startFakeServer(t, (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '17' })
    res.end(JSON.stringify({ error: { message: 'too many requests', type: 'rate_limit' } }))
  })
  const provider = createOpenAiCompatibleProvider({ baseUrl: fake.url })
  const err = await provider.complete(request).catch((e: unknown) => e)
  t.ok(err instanceof LlmRateLimitError)
  t.equal((err as LlmRateLimitError).retryAfterSeconds, 17)
  t.equal((err as LlmRateLimitError).statusCode, 429)
  await t.rejects(collect(provider.stream(request)), LlmRateLimitError)
})

t.test('500 and malformed answers become LLM errors, not crashes', async (t) => {
  let mode = '500'
  const fake = await startFakeServer(t, (_req, res) => {
    if (mode === '500') { res.writeHead(500); res.end('boom'); return }
    if (mode === 'not-json') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('<html>'); return }
    if (mode === 'no-choices') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"choices":[]}'); return }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.end('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {broken\n\n')
  })
  const provider = createOpenAiCompatibleProvider({ baseUrl: fake.url })
  const err = await provider.complete(request).catch((e: unknown) => e)
  t.ok(err instanceof LlmError)
  t.equal((err as LlmError).statusCode, 503)
  t.notOk(err instanceof LlmRateLimitError)
  mode = 'not-json'
  await t.rejects(provider.complete(request), LlmMalformedResponseError)
  mode = 'no-choices'
  await t.rejects(provider.complete(request), LlmMalformedResponseError)
  mode = 'bad-stream'
  await t.rejects(collect(provider.stream(request)), LlmMalformedResponseError)
})

t.test('an unreachable endpoint is an LLM error', async (t) => {
  const provider = createOpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:1' })
  await t.rejects(provider.complete(request), LlmError)
})
