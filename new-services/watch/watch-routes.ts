/** POST /api/watch/start and /api/watch/next (docs/legacy-app.md §2.4, §5). */
import type { FastifyInstance } from 'fastify'
import { sendJson } from '../http/flask-json.js'
import { isLlmFailure, sendLlmFailure } from '../http/llm-failure.js'
import { naiveIsoTimestamp } from '../http/naive-timestamp.js'
import { readRequiredObject, stringField } from '../http/request-body.js'
import { isAllowedModelName, resolveModel } from '../llm/model-names.js'
import type { ServiceContext } from '../service-context.js'
import {
  SPEAKER_NAMES, stripSpeakerPrefix, WATCH_CONTINUE_SYSTEM_PROMPT, WATCH_QUIZ, WATCH_QUIZ_EVERY, WATCH_START_INSTRUCTION,
  watchContinueInstruction, watchOpeningSystemPrompt, type Speaker, type WatchEntry
} from './watch-prompts.js'

/** Free-form watch parameters are trimmed and capped rather than passed through raw. */
const MAX_WATCH_PARAM_CHARS = 100
function sanitizeParam (value: string): string {
  return Array.from(value.replace(/[<>]/g, '').trim()).slice(0, MAX_WATCH_PARAM_CHARS).join('')
}

function isWatchEntry (value: unknown): value is WatchEntry {
  const e = value as Record<string, unknown>
  return e != null && (e.speaker === 'A' || e.speaker === 'B') && typeof e.message === 'string'
}

export async function watchRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.post('/api/watch/start', async (request, reply) => {
    const data = readRequiredObject(request)
    if (data === null) return await sendJson(reply, 400, { error: 'Invalid request' })
    const modelA = resolveModel('watch', data.model_a, context.env)
    const modelB = resolveModel('watch', data.model_b, context.env)
    if (!isAllowedModelName(modelA)) return await sendJson(reply, 400, { error: '無効なモデルA名です' })
    if (!isAllowedModelName(modelB)) return await sendJson(reply, 400, { error: '無効なモデルB名です' })
    const partnerType = sanitizeParam(stringField(data, 'partner_type', 'colleague'))
    const situation = sanitizeParam(stringField(data, 'situation', 'break'))
    const topic = sanitizeParam(stringField(data, 'topic', 'general'))
    try {
      const text = stripSpeakerPrefix(await context.llm.complete(modelA, [
        { role: 'system', content: watchOpeningSystemPrompt(partnerType, situation, topic) },
        { role: 'user', content: WATCH_START_INSTRUCTION }
      ]))
      const session = request.session
      session.set('watch_settings', { model_a: modelA, model_b: modelB, partner_type: partnerType, situation, topic, current_speaker: 'A', start_time: naiveIsoTimestamp() })
      session.set('watch_history', [{ speaker: 'A', message: text, timestamp: naiveIsoTimestamp() }])
      return await sendJson(reply, 200, { message: `${SPEAKER_NAMES.A}: ${text}` })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      return await sendLlmFailure(reply, err, `観戦モードの開始に失敗しました: ${err.message}`)
    }
  })

  app.post('/api/watch/next', async (request, reply) => {
    const session = request.session
    const settings = session.get<Record<string, unknown>>('watch_settings')
    if (settings == null || typeof settings !== 'object') return await sendJson(reply, 400, { error: '観戦セッションが初期化されていません' })
    const stored = session.get('watch_history')
    const history = Array.isArray(stored) ? stored : []
    const next: Speaker = settings.current_speaker === 'A' ? 'B' : 'A'
    const model = String(next === 'A' ? settings.model_a : settings.model_b)
    try {
      const text = stripSpeakerPrefix(await context.llm.complete(model, [
        { role: 'system', content: WATCH_CONTINUE_SYSTEM_PROMPT },
        // Entries of other shapes (three-way mode) are left out of the transcript, not fatal.
        { role: 'user', content: watchContinueInstruction(history.filter(isWatchEntry)) }
      ]))
      const updated = [...history, { speaker: next, message: text, timestamp: naiveIsoTimestamp() }]
      session.set('watch_history', updated)
      session.set('watch_settings', { ...settings, current_speaker: next })
      return await sendJson(reply, 200, {
        message: `${SPEAKER_NAMES[next]}: ${text}`,
        ...(updated.length % WATCH_QUIZ_EVERY === 0 ? { quiz: WATCH_QUIZ } : {})
      })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      return await sendLlmFailure(reply, err, `会話の生成に失敗しました: ${err.message}`)
    }
  })
}
