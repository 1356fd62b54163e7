import t from 'tap'
import { LlmError, LlmMalformedResponseError, LlmRateLimitError } from '../../../new-services/llm/errors.js'
import { createGeminiProvider } from '../../../new-services/llm/gemini-provider.js'
import { collect, startFakeServer } from '../helpers/fake-http-server.js'

const request = {
  model: 'gemini-1.5-flash',
  temperature: 0.7,
  messages: [
    { role: 'system' as const, content: 'あなたは先輩です' },
    { role: 'user' as const, content: 'おはよう' },
    { role: 'assistant' as const, content: 'おはよう！' },
    { role: 'user' as const, content: '今日の予定は？' }
  ]
}

function candidate (text: string, finishReason?: string): string {
  return JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason != null ? { finishReason } : {}), index: 0 }] })
}

t.test('generateContent: documented path, key header, roles, systemInstruction, temperature', async (t) => {
  const fake = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(candidate('了解です', 'STOP'))
  })
  const provider = createGeminiProvider({ apiKey: 'g-key', baseUrl: fake.url })
  t.equal(await provider.complete(request), '了解です')
  const [seen] = fake.requests
  t.equal(seen.url, '/v1beta/models/gemini-1.5-flash:generateContent')
  t.equal(seen.headers['x-goog-api-key'], 'g-key')
  const body = JSON.parse(seen.body)
  t.same(body.contents.map((c: any) => [c.role, c.parts[0].text]), [['user', 'おはよう'], ['model', 'おはよう！'], ['user', '今日の予定は？']])
  t.equal(body.systemInstruction.parts[0].text, 'あなたは先輩です')
  t.equal(body.generationConfig.temperature, 0.7)
})

t.test('streamGenerateContent?alt=sse yields chunks as they arrive', async (t) => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const fake = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(`data: ${candidate('今日は')}\r\n\r\n`)
    gate.then(() => {
      res.write(`data: ${candidate('会議です', 'STOP')}\r\n\r\n`)
      res.end()
    }, () => {})
  })
  const provider = createGeminiProvider({ apiKey: 'g-key', baseUrl: fake.url })
  const iterator = provider.stream(request)[Symbol.asyncIterator]()
  // The first chunk must arrive while the server still holds the rest back.
  t.same(await iterator.next(), { value: '今日は', done: false })
  release()
  t.same(await iterator.next(), { value: '会議です', done: false })
  t.equal((await iterator.next()).done, true)
  t.equal(fake.requests[0].url, '/v1beta/models/gemini-1.5-flash:streamGenerateContent?alt=sse')
})

t.test('429 RESOURCE_EXHAUSTED becomes a rate-limit error with the RetryInfo delay', async (t) => {
  const fake = await startFakeServer(t, (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json' })
    res.end(JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }]
      }
    }))
  })
  const provider = createGeminiProvider({ apiKey: 'g-key', baseUrl: fake.url })
  const err = await provider.complete(request).catch((e: unknown) => e)
  t.ok(err instanceof LlmRateLimitError)
  t.equal((err as LlmRateLimitError).retryAfterSeconds, 37)
  await t.rejects(collect(provider.stream(request)), LlmRateLimitError)
  t.equal(fake.requests.length, 2, 'no hidden retries')
})

t.test('500 and malformed answers become LLM errors', async (t) => {
  let mode = '500'
  const fake = await startFakeServer(t, (_req, res) => {
    if (mode === '500') {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 500, message: 'internal', status: 'INTERNAL' } }))
      return
    }
    if (mode === 'not-json') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('<html>oops'); return }
    if (mode === 'no-text') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"candidates":[]}'); return }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.end(`data: ${candidate('a')}\n\ndata: {not json\n\n`)
  })
  const provider = createGeminiProvider({ apiKey: 'g-key', baseUrl: fake.url })
  const err = await provider.complete(request).catch((e: unknown) => e)
  t.ok(err instanceof LlmError)
  t.notOk(err instanceof LlmRateLimitError)
  t.equal((err as LlmError).statusCode, 503)
  mode = 'not-json'
  await t.rejects(provider.complete(request), LlmMalformedResponseError)
  mode = 'no-text'
  await t.rejects(provider.complete(request), LlmMalformedResponseError)
  mode = 'bad-stream'
  await t.rejects(collect(provider.stream(request)), LlmMalformedResponseError)
})

t.test('without an API key every call is an LLM error and nothing is sent', async (t) => {
  const provider = createGeminiProvider({ apiKey: '' })
  await t.rejects(provider.complete(request), { message: /GOOGLE_API_KEY is not set/ })
  await t.rejects(collect(provider.stream(request)), { message: /GOOGLE_API_KEY is not set/ })
})
