import t from 'tap'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { LlmRateLimitError } from '../../../new-services/llm/errors.js'
import { createLlmService } from '../../../new-services/llm/llm-service.js'
import type { LlmProvider } from '../../../new-services/llm/llm-types.js'
import { buildTestApp, newClient } from '../helpers/build-test-app.js'
import { failingLlm } from '../helpers/failing-llm.js'
import { startFakeServer } from '../helpers/fake-http-server.js'

/** A provider that holds back everything after its first chunk until the test lets it go. */
function gatedProvider (): { provider: LlmProvider, release: () => void, finished: () => boolean } {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let done = false
  return {
    release: () => release(),
    finished: () => done,
    provider: {
      name: 'gated',
      async complete () { return 'unused' },
      async * stream () {
        yield 'はじめの'
        await gate
        yield '<b>続き</b>'
        yield 'です'
        done = true
      }
    }
  }
}

async function listen (t: { teardown (fn: () => unknown): void }, app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

t.test('the first chunk reaches the client before the provider has finished; history updated at the end', async (t) => {
  const gated = gatedProvider()
  const { app, store } = await buildTestApp(t, { llm: createLlmService({ mode: 'offline', providers: { offline: gated.provider } }) })
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  const base = await listen(t, app)
  const res = await request(`${base}/api/v2/chat`, {
    method: 'POST',
    headers: { cookie: client.cookie, 'x-csrf-token': client.token, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'ストリームして' })
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
  t.equal(res.headers['cache-control'], 'no-cache')
  const decoder = new TextDecoder()
  let received = ''
  const iterator = res.body[Symbol.asyncIterator]()
  while (!received.includes('\n\n')) received += decoder.decode((await iterator.next()).value as Buffer, { stream: true })
  // If the server buffered the stream this point would never be reached: the provider waits for us.
  t.equal(received, 'data: {"content":"\\u306f\\u3058\\u3081\\u306e"}\n\n')
  t.notOk(gated.finished())
  t.equal(((await store.load(client.sid))?.chat_history as unknown[]).length, 1, 'history not yet updated mid-stream')
  gated.release()
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) received += decoder.decode(next.value as Buffer, { stream: true })
  const events = received.trim().split('\n\n').map((e) => JSON.parse(e.slice('data: '.length)))
  t.same(events, [
    { content: 'はじめの' },
    { content: '続き' },
    { content: 'です' },
    { done: true, full_content: 'はじめの続きです' }
  ])
  const history = (await store.load(client.sid))?.chat_history as Array<Record<string, string>>
  t.equal(history.length, 2)
  t.equal(history[1].human, 'ストリームして')
  t.equal(history[1].ai, 'はじめの<b>続き</b>です')
})

t.test('a slow offline provider streams in several events without a started chat', async (t) => {
  const { app } = await buildTestApp(t, { llm: { mode: 'offline', offline: { chunkDelayMs: 20, chunks: 4 } } })
  const client = await newClient(app)
  const res = await client.post('/api/v2/chat', { message: 'こんにちは' })
  t.equal(res.statusCode, 200)
  const events = res.body.trim().split('\n\n').map((e) => JSON.parse(e.slice('data: '.length)))
  t.ok(events.length >= 3)
  const last = events.at(-1)
  t.equal(last.done, true)
  t.equal(last.full_content, events.slice(0, -1).map((e) => e.content).join(''))
})

t.test('bad input answers JSON 400 before any stream; provider failures become events or 429', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  t.equal((await client.post('/api/v2/chat', { message: '' })).json().error.code, 'VALIDATION_ERROR')
  t.equal((await client.post('/api/v2/chat', { message: 'hi', model: 'bad/model' })).statusCode, 400)
  t.equal((await client.post('/api/v2/chat', { message: '死ね' })).json().moderation.allowed, false)
  t.equal((await client.post('/api/v2/chat', 'x', { 'content-type': 'text/plain' })).statusCode, 400)

  const limited = await buildTestApp(t, { llm: failingLlm(() => new LlmRateLimitError('quota', 9)) })
  const limitedClient = await newClient(limited.app)
  const res429 = await limitedClient.post('/api/v2/chat', { message: 'hi' })
  t.equal(res429.statusCode, 429)
  t.equal(res429.json().retry_after, 9)

  const broken = await buildTestApp(t, { llm: failingLlm(() => new Error('boom')) })
  const brokenClient = await newClient(broken.app)
  const failed = await brokenClient.post('/api/v2/chat', { message: 'hi' })
  t.equal(failed.statusCode, 200)
  t.equal(failed.body, 'data: {"error":"\\u30b9\\u30c8\\u30ea\\u30fc\\u30df\\u30f3\\u30b0\\u30a8\\u30e9\\u30fc\\u304c\\u767a\\u751f\\u3057\\u307e\\u3057\\u305f"}\n\n')
})

t.test('a shadow stream writes no history', async (t) => {
  const { app, store } = await buildTestApp(t)
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  const res = await client.post('/api/v2/chat', { message: 'hi' }, { 'x-shadow-request': '1' })
  t.match(res.body, /"done":true/)
  t.equal(((await store.load(client.sid))?.chat_history as unknown[]).length, 1)
})

t.test('end to end with a fake Gemini: its first SSE chunk reaches our client while it holds the rest', async (t) => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const part = (text: string): string => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] } }] })}\r\n\r\n`
  const gemini = await startFakeServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(part('Gemini: '))
    gate.then(() => { res.end(part('done')) }, () => {})
  })
  const { app } = await buildTestApp(t, { llm: { mode: 'network', gemini: { apiKey: 'k', baseUrl: gemini.url } } })
  const client = await newClient(app)
  const base = await listen(t, app)
  const res = await request(`${base}/api/v2/chat`, {
    method: 'POST',
    headers: { cookie: client.cookie, 'x-csrf-token': client.token, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'hello', model: 'gemini/gemini-2.0-flash' })
  })
  const iterator = res.body[Symbol.asyncIterator]()
  let received = ''
  while (!received.includes('\n\n')) received += String((await iterator.next()).value)
  t.equal(received, 'data: {"content":"Gemini: "}\n\n')
  release()
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) received += String(next.value)
  t.match(received, /data: \{"done":true,"full_content":"Gemini: done"\}\n\n$/)
  t.equal(gemini.requests[0].url, '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse')
})
