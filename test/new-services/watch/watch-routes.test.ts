import t from 'tap'
import { LlmRateLimitError } from '../../../new-services/llm/errors.js'
import { buildTestApp, newClient } from '../helpers/build-test-app.js'
import { failingLlm } from '../helpers/failing-llm.js'

t.test('start then next: 太郎 and 花子 alternate, a quiz every fifth message', async (t) => {
  const { app, store } = await buildTestApp(t)
  const client = await newClient(app)
  const start = await client.post('/api/watch/start', { model_a: null, model_b: null, partner_type: 'colleague', situation: 'lunch', topic: 'food' })
  t.equal(start.statusCode, 200)
  t.match(start.json().message, /^太郎: /)
  const speakers: string[] = []
  let quiz: unknown
  for (let i = 0; i < 4; i++) {
    const res = await client.post('/api/watch/next')
    t.equal(res.statusCode, 200)
    speakers.push(res.json().message.split(':')[0])
    if (res.json().quiz != null) quiz = res.json().quiz
  }
  t.same(speakers, ['花子', '太郎', '花子', '太郎'])
  t.match(quiz, { question: String, correct_answer: 0 })
  const session = await store.load(client.sid)
  const settings = session?.watch_settings as Record<string, unknown>
  t.same(Object.keys(settings).sort(), ['current_speaker', 'model_a', 'model_b', 'partner_type', 'situation', 'start_time', 'topic'])
  t.equal(settings.current_speaker, 'A')
  t.same((session?.watch_history as Array<{ speaker: string }>).map((e) => e.speaker), ['A', 'B', 'A', 'B', 'A'])
})

t.test('watch bad input', async (t) => {
  const { app } = await buildTestApp(t)
  const client = await newClient(app)
  t.same((await client.post('/api/watch/next')).json(), { error: '観戦セッションが初期化されていません' })
  t.same((await client.post('/api/watch/start', {})).json(), { error: 'Invalid request' })
  t.same((await client.post('/api/watch/start', { model_a: 'bad', partner_type: 'x' })).json(), { error: '無効なモデルA名です' })
  t.same((await client.post('/api/watch/start', { model_b: 'gemini/nope', partner_type: 'x' })).json(), { error: '無効なモデルB名です' })
  t.equal((await client.post('/api/watch/start', 'plain', { 'content-type': 'text/plain' })).statusCode, 400)
})

t.test('a rate-limited provider answers 429 with retry_after', async (t) => {
  const { app } = await buildTestApp(t, { llm: failingLlm(() => new LlmRateLimitError('quota', 12)) })
  const client = await newClient(app)
  const res = await client.post('/api/watch/start', { partner_type: 'boss' })
  t.equal(res.statusCode, 429)
  t.equal(res.json().retry_after, 12)
})
