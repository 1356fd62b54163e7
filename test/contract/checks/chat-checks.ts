/** Free chat: start_chat, chat (validation, moderation, storage) and chat_feedback. */
import type { ContractClient } from '../contract-client.js'
import type { CheckContext, ContractCheck } from '../contract-suite.js'
import { legacyPersonaPrompt, PERSONA_FALLBACK_CASES, personaCombinations, personaPromptFor } from '../legacy-persona.js'
import { NAIVE_ISO_TIMESTAMP } from '../wire.js'
import { expectAppError, expectJson, expectNonEmptyString, expectRouteError, sortedKeys } from './assertions.js'

export const STRENGTH_AXES = ['active_listening', 'adaptability', 'clarity', 'empathy', 'positivity', 'professionalism']

const START = { model: null, partner_type: 'senior', situation: 'lunch', topic: 'hobby' }

/** A browser with a started chat. */
export async function startedChat (context: CheckContext): Promise<ContractClient> {
  const browser = context.client()
  const response = await browser.postWithCsrf('/api/start_chat', START)
  if (response.status !== 200) throw new Error(`start_chat answered ${response.status}: ${response.text}`)
  return browser
}

export const chatChecks: ContractCheck[] = [
  {
    name: 'chat: start_chat rejects an empty body',
    async run (t, { client }) {
      expectRouteError(t, await client().postWithCsrf('/api/start_chat', {}), 400, 'Invalid request', 'start_chat {}')
    }
  },
  {
    name: 'chat: start_chat stores chat_settings and the opening exchange',
    async run (t, { client, session }) {
      const browser = client()
      const response = await browser.postWithCsrf('/api/start_chat', START)
      expectJson(t, response, 200, 'start_chat')
      t.same(sortedKeys(response.json), ['response'])
      expectNonEmptyString(t, response.json.response, 'response')
      const stored = await session(browser)
      t.same(sortedKeys(stored?.chat_settings), ['model', 'partner_type', 'situation', 'start_time', 'system_prompt', 'topic'])
      t.match(stored?.chat_settings, { partner_type: 'senior', situation: 'lunch', topic: 'hobby', model: String, system_prompt: String })
      t.match((stored?.chat_settings as any)?.start_time, NAIVE_ISO_TIMESTAMP)
      const history = stored?.chat_history as any[]
      t.equal(history?.length, 1, 'one history entry')
      t.same(sortedKeys(history?.[0]), ['ai', 'human', 'timestamp'])
      t.equal(history?.[0]?.human, '[雑談開始]')
      t.equal(history?.[0]?.ai, response.json.response, 'start_chat returns the raw stored reply')
      t.match(history?.[0]?.timestamp, NAIVE_ISO_TIMESTAMP)
    }
  },
  {
    name: 'chat: start_chat stores the legacy persona prompt for every table combination',
    async run (t, { client, session }) {
      const browser = client()
      const stored = async (body: Record<string, unknown>): Promise<any> => {
        const response = await browser.postWithCsrf('/api/start_chat', body)
        t.equal(response.status, 200, `start_chat ${JSON.stringify(body)}`)
        return (await session(browser))?.chat_settings
      }
      let mismatches = 0
      for (const [partner, situation, topic] of personaCombinations()) {
        const settings = await stored({ model: null, partner_type: partner, situation, topic })
        if (settings?.system_prompt !== legacyPersonaPrompt(partner, situation, topic)) {
          mismatches++
          t.equal(settings?.system_prompt, legacyPersonaPrompt(partner, situation, topic), `${partner} / ${situation} / ${topic}`)
        }
      }
      t.equal(mismatches, 0, 'all 125 partner type / situation / topic combinations store legacy\'s prompt')
      for (const { keys: [partner, situation, topic], expected } of PERSONA_FALLBACK_CASES) {
        const settings = await stored({ model: null, partner_type: partner, situation, topic })
        t.equal(settings?.system_prompt, personaPromptFor(...expected), `fallbacks for ${JSON.stringify([partner, situation, topic])}`)
        t.match(settings, { partner_type: partner, situation, topic }, 'the keys are stored as sent')
      }
      const defaults = await stored({ model: null })
      t.equal(defaults?.system_prompt, legacyPersonaPrompt('colleague', 'break', 'general'), 'omitted keys: colleague, break, general')
      t.match(defaults, { partner_type: 'colleague', situation: 'break', topic: 'general' })
    }
  },
  {
    name: 'chat: chat before start_chat is 400 VALIDATION_ERROR',
    async run (t, { client }) {
      expectAppError(t, await client().postWithCsrf('/api/chat', { message: 'こんにちは' }), 400, 'VALIDATION_ERROR', 'chat without start')
    }
  },
  {
    name: 'chat: message and model validation',
    async run (t, context) {
      const browser = await startedChat(context)
      const cases: Array<[string, Record<string, unknown>]> = [
        ['whitespace only', { message: '  \n\t ' }],
        ['missing message', {}],
        ['10,001 characters', { message: 'あ'.repeat(10_001) }],
        ['<script>', { message: 'hi <script>alert(1)</script>' }],
        ['javascript:', { message: 'javascript:alert(1)' }],
        ['event handler', { message: '<img src=x onerror = alert(1)>' }],
        ['<iframe', { message: '<IFRAME src=x>' }],
        ['model outside the whitelist', { message: 'こんにちは', model: 'gpt-4' }]
      ]
      for (const [what, body] of cases) {
        expectAppError(t, await browser.postWithCsrf('/api/chat', body), 400, 'VALIDATION_ERROR', what)
      }
      t.equal(((await context.session(browser))?.chat_history as unknown[]).length, 1, 'rejected messages are not stored')
      expectJson(t, await browser.postWithCsrf('/api/chat', { message: 'あ'.repeat(10_000) }), 200, '10,000 characters')
      expectJson(t, await browser.postWithCsrf('/api/chat', { message: 'はい', model: 'ollama/llama3:8b' }), 200, 'an ollama model')
      expectJson(t, await browser.postWithCsrf('/api/chat', { message: 'はい', model: 'gemini-2.5-flash' }), 200, 'a whitelisted gemini model')
    }
  },
  {
    name: 'chat: the message is whitespace-collapsed and the exchange stored',
    async run (t, context) {
      const browser = await startedChat(context)
      const response = await browser.postWithCsrf('/api/chat', { message: '  こんにちは   今日は\n\tいい天気 ' })
      expectJson(t, response, 200, 'chat')
      t.same(sortedKeys(response.json), ['response'])
      expectNonEmptyString(t, response.json.response, 'response')
      const history = (await context.session(browser))?.chat_history as any[]
      t.equal(history.length, 2)
      t.same(sortedKeys(history[1]), ['ai', 'human', 'timestamp'])
      t.equal(history[1].human, 'こんにちは 今日は いい天気')
      expectNonEmptyString(t, history[1].ai, 'stored reply')
      t.match(history[1].timestamp, NAIVE_ISO_TIMESTAMP)
    }
  },
  {
    name: 'chat: NG words are moderated with the legacy 400 body',
    async run (t, context) {
      const browser = await startedChat(context)
      const response = await browser.postWithCsrf('/api/chat', { message: 'ばかだな' })
      expectJson(t, response, 400, 'NG word')
      t.same(response.json, {
        response: '申し訳ございませんが、そのメッセージは送信できません。',
        moderation: { allowed: false, reason: 'inappropriate_word', filtered_text: '**だな' }
      })
      t.equal(((await context.session(browser))?.chat_history as unknown[]).length, 1, 'not stored')
    }
  },
  {
    name: 'chat: a non-JSON body is 500 UNEXPECTED_ERROR',
    async run (t, context) {
      const browser = await startedChat(context)
      const response = await browser.send('POST', '/api/chat', { body: 'message=hello', contentType: 'text/plain', csrf: true })
      expectAppError(t, response, 500, 'UNEXPECTED_ERROR', 'text/plain body')
    }
  },
  {
    name: 'chat: the offline model answers the same prompt the same way',
    async run (t, context) {
      const first = await (await startedChat(context)).postWithCsrf('/api/chat', { message: '週末は何をしていましたか' })
      const second = await (await startedChat(context)).postWithCsrf('/api/chat', { message: '週末は何をしていましたか' })
      t.equal(first.json.response, second.json.response)
    }
  },
  {
    name: 'chat: chat_feedback preconditions',
    async run (t, { client }) {
      const browser = client()
      expectRouteError(t, await browser.postWithCsrf('/api/chat_feedback', {}), 400, 'Invalid request', 'chat_feedback {}')
      expectRouteError(t, await browser.postWithCsrf('/api/chat_feedback', { partner_type: 'colleague' }), 400,
        '練習を開始してからフィードバックを取得してください', 'chat_feedback before start')
    }
  },
  {
    name: 'chat: chat_feedback shape',
    async run (t, context) {
      const browser = await startedChat(context)
      await browser.postWithCsrf('/api/chat', { message: '最近ジョギングを始めました' })
      const response = await browser.postWithCsrf('/api/chat_feedback', { partner_type: 'senior', situation: 'lunch', topic: 'hobby' })
      expectJson(t, response, 200, 'chat_feedback')
      const body = response.json
      t.ok(['feedback', 'gamification', 'model_used', 'status', 'strength_analysis'].every((k) => k in body), 'required keys')
      expectNonEmptyString(t, body.feedback, 'feedback')
      expectNonEmptyString(t, body.model_used, 'model_used')
      t.equal(body.status, 'success')
      t.same(sortedKeys(body.strength_analysis), ['scores', 'top_strengths'])
      t.same(sortedKeys(body.strength_analysis.scores), STRENGTH_AXES)
      for (const axis of STRENGTH_AXES) {
        const score = body.strength_analysis.scores[axis]
        t.ok(Number.isInteger(score) && score >= 40 && score <= 95, `${axis} score ${score} is an int in 40-95`)
      }
      t.equal(body.strength_analysis.top_strengths.length, 3)
      for (const top of body.strength_analysis.top_strengths) {
        t.same(sortedKeys(top), ['description', 'key', 'name', 'score'])
        t.equal(top.score, body.strength_analysis.scores[top.key], `top strength ${top.key} carries its score`)
      }
      t.same(sortedKeys(body.gamification.xp_gained), STRENGTH_AXES, 'gamification.xp_gained has the six axes')
    }
  }
]
