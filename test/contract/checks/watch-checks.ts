/** Watch mode: start, alternating next, the fixed quiz, and its history views. */
import type { ContractCheck } from '../contract-suite.js'
import { NAIVE_ISO_TIMESTAMP } from '../wire.js'
import { expectJson, expectRouteError, sortedKeys } from './assertions.js'

const START = { model_a: null, model_b: null, partner_type: 'colleague', situation: 'lunch', topic: 'food' }

export const watchChecks: ContractCheck[] = [
  {
    name: 'watch: next before start is 400',
    async run (t, { client }) {
      expectRouteError(t, await client().postWithCsrf('/api/watch/next'), 400, '観戦セッションが初期化されていません', 'next first')
    }
  },
  {
    name: 'watch: start validation',
    async run (t, { client }) {
      const browser = client()
      expectRouteError(t, await browser.postWithCsrf('/api/watch/start', {}), 400, 'Invalid request', 'start {}')
      expectRouteError(t, await browser.postWithCsrf('/api/watch/start', { ...START, model_a: 'gpt-4' }), 400, '無効なモデルA名です', 'bad model A')
      expectRouteError(t, await browser.postWithCsrf('/api/watch/start', { ...START, model_b: 'gpt-4' }), 400, '無効なモデルB名です', 'bad model B')
    }
  },
  {
    name: 'watch: start, then speakers alternate with a quiz every fifth entry',
    async run (t, { client, session }) {
      const browser = client()
      const start = await browser.postWithCsrf('/api/watch/start', START)
      expectJson(t, start, 200, 'watch/start')
      t.same(sortedKeys(start.json), ['message'])
      t.match(start.json.message, /^太郎: ./)
      let stored = await session(browser) as any
      t.same(sortedKeys(stored.watch_settings), ['current_speaker', 'model_a', 'model_b', 'partner_type', 'situation', 'start_time', 'topic'])
      t.match(stored.watch_settings, { current_speaker: 'A', partner_type: 'colleague', situation: 'lunch', topic: 'food' })
      t.same(sortedKeys(stored.watch_history[0]), ['message', 'speaker', 'timestamp'])
      t.match(stored.watch_history[0], { speaker: 'A', message: start.json.message.slice('太郎: '.length), timestamp: NAIVE_ISO_TIMESTAMP })

      const names = ['花子', '太郎', '花子', '太郎']
      for (const [i, name] of names.entries()) {
        const next = await browser.postWithCsrf('/api/watch/next')
        expectJson(t, next, 200, `next #${i + 1}`)
        t.match(next.json.message, new RegExp(`^${name}: .`), `next #${i + 1} is ${name}`)
        const entries = i + 2
        if (entries % 5 === 0) {
          t.same(sortedKeys(next.json), ['message', 'quiz'], 'the fifth entry brings a quiz')
          t.same(sortedKeys(next.json.quiz), ['choices', 'correct_answer', 'question'])
          t.equal(next.json.quiz.choices.length, 3)
          t.equal(next.json.quiz.correct_answer, 0)
        } else {
          t.same(sortedKeys(next.json), ['message'], `no quiz at ${entries} entries`)
        }
      }
      stored = await session(browser)
      t.same(stored.watch_history.map((e: any) => e.speaker), ['A', 'B', 'A', 'B', 'A'])
      t.equal(stored.watch_settings.current_speaker, 'A')
    }
  },
  {
    name: 'history: conversation_history type watch maps A to human and B to ai',
    async run (t, { client, session }) {
      const browser = client()
      await browser.postWithCsrf('/api/watch/start', START)
      await browser.postWithCsrf('/api/watch/next')
      const stored = await session(browser) as any
      const response = await browser.post('/api/conversation_history', { type: 'watch' })
      expectJson(t, response, 200, 'conversation_history watch')
      t.same(response.json, {
        history: [
          { timestamp: stored.watch_history[0].timestamp, human: stored.watch_history[0].message },
          { timestamp: stored.watch_history[1].timestamp, ai: stored.watch_history[1].message }
        ]
      })
    }
  },
  {
    name: 'history: clear_history mode watch ends the watch session',
    async run (t, { client, session }) {
      const browser = client()
      await browser.postWithCsrf('/api/watch/start', START)
      expectJson(t, await browser.postWithCsrf('/api/clear_history', { mode: 'watch' }), 200, 'clear watch')
      const stored = await session(browser) as any
      t.notOk('watch_settings' in stored, 'watch_settings dropped')
      t.same(stored.watch_history ?? [], [], 'watch_history empty')
      expectRouteError(t, await browser.postWithCsrf('/api/watch/next'), 400, '観戦セッションが初期化されていません', 'next after clear')
    }
  }
]
