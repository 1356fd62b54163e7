import t from 'tap'
import { LlmError, LlmRateLimitError } from '../../../new-services/llm/errors.js'
import { buildTestApp, newClient } from '../helpers/build-test-app.js'
import { failingLlm } from '../helpers/failing-llm.js'

t.test('start_chat then chat: raw start reply, cleaned chat reply, history with timestamps', async (t) => {
  const { app, store } = await buildTestApp(t)
  const client = await newClient(app)
  const started = await client.post('/api/start_chat', { model: null, partner_type: 'senior', situation: 'lunch', topic: 'food' })
  t.equal(started.statusCode, 200)
  t.equal(started.headers['content-type'], 'application/json')
  t.type(started.json().response, 'string')
  t.match(started.body, /^\{"response":"(?:[\x20-\x7e])*"\}\n$/, 'compact, ASCII-only Flask body')
  const chatted = await client.post('/api/chat', { message: '  ランチは   何に\nしますか <b>A & B</b> ' })
  t.equal(chatted.statusCode, 200)
  t.same(Object.keys(chatted.json()), ['response'])
  const session = await store.load(client.sid)
  const settings = session?.chat_settings as Record<string, unknown>
  t.same(Object.keys(settings).sort(), ['model', 'partner_type', 'situation', 'start_time', 'system_prompt', 'topic'])
  t.equal(settings.model, 'gemini/gemini-1.5-flash')
  const history = session?.chat_history as Array<Record<string, string>>
  t.equal(history.length, 2)
  t.equal(history[0].human, '[雑談開始]')
  t.equal(history[1].human, 'ランチは 何に しますか <b>A & B</b>', 'whitespace collapsed, stored raw')
  t.match(history[1].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/)
  const listed = await client.post('/api/conversation_history', { type: 'chat' })
  t.same(listed.json().history, history)
})

t.test('chat refuses bad input with the legacy answers, never 500', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  const notStarted = await client.post('/api/chat', { message: 'こんにちは' })
  t.equal(notStarted.statusCode, 400)
  t.equal(notStarted.json().error.code, 'VALIDATION_ERROR')
  t.match(notStarted.json().error.message, /初期化されていません/)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  const cases: Array<[string, unknown]> = [
    ['empty', { message: '   ' }],
    ['missing', {}],
    ['oversize', { message: 'あ'.repeat(10_001) }],
    ['script-like', { message: 'hi <script>alert(1)</script>' }],
    ['event handler', { message: '<img src=x onerror = alert(1)>' }],
    ['javascript url', { message: 'javascript:alert(1)' }],
    ['not a string', { message: 42 }],
    ['bad model', { message: 'こんにちは', model: 'gpt-4' }]
  ]
  for (const [name, body] of cases) {
    const res = await client.post('/api/chat', body)
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error.code, 'VALIDATION_ERROR', name)
    t.match(res.json().error.error_id, /^[0-9a-f]{8}$/)
  }
  t.equal((await client.post('/api/chat', { message: 'あ'.repeat(10_000) })).statusCode, 200, '10,000 characters are fine')
  const ng = await client.post('/api/chat', { message: 'お前はばかだな' })
  t.equal(ng.statusCode, 400)
  t.same(ng.json(), {
    response: '申し訳ございませんが、そのメッセージは送信できません。',
    moderation: { allowed: false, reason: 'inappropriate_word', filtered_text: 'お前は**だな' }
  })
})

t.test('non-JSON bodies are 400 VALIDATION_ERROR (legacy: 500)', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  for (const [type, payload] of [['application/json', '{"message": '], ['text/plain', 'hello'], ['application/json', '[1,2]'], ['application/x-www-form-urlencoded', 'message=hi']]) {
    const res = await client.post('/api/chat', payload, { 'content-type': type })
    t.equal(res.statusCode, 400, `${type} ${payload}`)
    t.equal(res.json().error.code, 'VALIDATION_ERROR')
  }
  const startChat = await client.post('/api/start_chat', 'nope', { 'content-type': 'text/plain' })
  t.same(startChat.json(), { error: 'Invalid request' })
  t.same((await client.post('/api/start_chat', {})).json(), { error: 'Invalid request' })
  t.equal((await client.post('/api/conversation_history', '{', { 'content-type': 'application/json' })).statusCode, 400)
  const tooBig = await client.post('/api/chat', JSON.stringify({ message: 'x'.repeat(300_000) }))
  t.equal(tooBig.statusCode, 413)
})

t.test('provider rate limits answer 429 with retry_after; other failures 503', async (t) => {
  const limited = await buildTestApp(t, { llm: failingLlm(() => new LlmRateLimitError('quota', 42)) })
  const client = await newClient(limited.app)
  const start = await client.post('/api/start_chat', { partner_type: 'boss' })
  t.equal(start.statusCode, 429)
  t.equal(start.json().retry_after, 42)
  t.type(start.json().error, 'string')
  const history = (await limited.store.load(client.sid))?.chat_history as Array<{ ai: string }>
  t.match(history[0].ai, /^申し訳ありません。/, 'the apology is kept in the history, as legacy does')
  const chat = await client.post('/api/chat', { message: 'もしもし' })
  t.equal(chat.statusCode, 429)
  t.equal(chat.json().retry_after, 42)
  const feedback = await client.post('/api/chat_feedback', { partner_type: 'boss' })
  t.equal(feedback.statusCode, 429)
  t.same(Object.keys(feedback.json()).sort(), ['attempted_models', 'error', 'retry_after', 'status'])

  const broken = await buildTestApp(t, { llm: failingLlm(() => new LlmError('provider down')) })
  const other = await newClient(broken.app)
  const res = await other.post('/api/start_chat', { partner_type: 'boss' })
  t.equal(res.statusCode, 503)
  t.type(res.json().error, 'string')
})

t.test('chat_feedback: preconditions, then feedback with strength analysis', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  t.same((await client.post('/api/chat_feedback', {})).json(), { error: 'Invalid request' })
  const early = await client.post('/api/chat_feedback', { partner_type: 'boss' })
  t.equal(early.statusCode, 400)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  await client.post('/api/chat', { message: '今日はいい天気ですね' })
  const res = await client.post('/api/chat_feedback', { partner_type: 'boss', situation: 'lunch', topic: 'x' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'success')
  t.equal(body.model_used, 'gemini/gemini-1.5-flash')
  t.type(body.feedback, 'string')
  const scores = body.strength_analysis.scores
  t.same(Object.keys(scores).sort(), ['active_listening', 'adaptability', 'clarity', 'empathy', 'positivity', 'professionalism'])
  t.ok(Object.values(scores).every((s) => Number.isInteger(s) && (s as number) >= 40 && (s as number) <= 95))
  t.equal(body.strength_analysis.top_strengths.length, 3)
  t.same(Object.keys(body.strength_analysis.top_strengths[0]).sort(), ['description', 'key', 'name', 'score'])
  t.same(Object.keys(body.gamification.xp_gained).sort(), Object.keys(scores).sort())
})

t.test('feedback uses FEEDBACK_MODEL and ignores the client; chat honours CHAT_MODEL', async (t) => {
  const { app, store } = await buildTestApp(t, { env: { FEEDBACK_MODEL: 'gemini/gemini-2.5-pro', CHAT_MODEL: 'ollama/llama3' } })
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  t.equal(((await store.load(client.sid))?.chat_settings as { model: string }).model, 'ollama/llama3')
  const res = await client.post('/api/chat_feedback', { partner_type: 'boss', model: 'gemini-1.5-pro' })
  t.equal(res.json().model_used, 'gemini/gemini-2.5-pro')
})

t.test('clear_history and conversation_history by mode', async (t) => {
  const { app, store } = await buildTestApp(t)
  const client = await newClient(app)
  await client.post('/api/start_chat', { partner_type: 'boss' })
  await client.post('/api/watch/start', { partner_type: 'boss' })
  await client.post('/api/watch/next')
  const watch = await client.post('/api/conversation_history', { type: 'watch' })
  t.same(watch.json().history.map((e: Record<string, unknown>) => Object.keys(e).sort()), [['human', 'timestamp'], ['ai', 'timestamp']])
  t.equal((await client.post('/api/conversation_history', { type: 'scenario' })).statusCode, 400)
  t.equal((await client.post('/api/conversation_history', { type: 'nope' })).json().error.code, 'VALIDATION_ERROR')
  const cleared = await client.post('/api/clear_history', { mode: 'chat' })
  t.same(cleared.json(), { status: 'success', message: '会話履歴がクリアされました' })
  const session = await store.load(client.sid)
  t.same(session?.chat_history, [])
  t.equal(session?.chat_settings, undefined)
  await client.post('/api/clear_history', { mode: 'watch' })
  t.equal((await store.load(client.sid))?.watch_settings, undefined)
  const noBody = await app.inject({ method: 'POST', url: '/api/clear_history', headers: { cookie: client.cookie, 'x-csrf-token': client.token } })
  t.same(noBody.json(), { status: 'error', message: 'Invalid JSON' })
})
