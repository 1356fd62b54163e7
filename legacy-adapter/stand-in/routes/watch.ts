/**
 * Watch mode: /api/watch/start and /api/watch/next, one model turn per request, A (太郎) and B
 * (花子) alternating. Every fifth history entry brings legacy's fixed fallback quiz.
 */
import type { FastifyInstance } from 'fastify'
import { sendFlaskJson } from '../flask-json.js'
import { isAllowedModelName, resolveModel } from '../models.js'
import { naiveIsoTimestamp } from '../naive-timestamp.js'
import { field, getJsonSilent, isFalsy, stringField } from '../request-body.js'
import { isDict } from '../session-values.js'
import type { StandInContext } from '../stand-in-context.js'
import type { Speaker, WatchEntry } from '../watch-prompts.js'
import { FALLBACK_QUIZ, SPEAKER_NAMES, stripSpeakerName, watchNextMessages, watchStartMessages } from '../watch-prompts.js'

const QUIZ_EVERY_ENTRIES = 5

export async function watchRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  const now = (): string => naiveIsoTimestamp(context.now())

  app.post('/api/watch/start', async (request, reply) => {
    const data = getJsonSilent(request)
    if (isFalsy(data)) return sendFlaskJson(reply, 400, { error: 'Invalid request' })
    const modelA = resolveModel(context.models, 'watch', field(data, 'model_a'))
    const modelB = resolveModel(context.models, 'watch', field(data, 'model_b'))
    if (!isAllowedModelName(modelA)) return sendFlaskJson(reply, 400, { error: '無効なモデルA名です' })
    if (!isAllowedModelName(modelB)) return sendFlaskJson(reply, 400, { error: '無効なモデルB名です' })
    const partnerType = stringField(data, 'partner_type', 'colleague')
    const situation = stringField(data, 'situation', 'break')
    const topic = stringField(data, 'topic', 'general')
    const session = request.legacySession
    try {
      session.watch_history = []
      session.watch_settings = {
        model_a: modelA, model_b: modelB, partner_type: partnerType, situation, topic, current_speaker: 'A', start_time: now()
      }
      const text = await context.llm.invoke(modelA, watchStartMessages(partnerType, situation, topic))
      session.watch_history = [{ speaker: 'A', message: text, timestamp: now() }]
      return sendFlaskJson(reply, 200, { message: `${SPEAKER_NAMES.A}: ${text}` })
    } catch (err) {
      request.log.error({ err }, 'watch start failed')
      return sendFlaskJson(reply, 500, { error: `観戦モードの開始に失敗しました: ${(err as Error).message}` })
    }
  })

  app.post('/api/watch/next', async (request, reply) => {
    const session = request.legacySession
    const settings = session.watch_settings
    if (!isDict(settings)) return sendFlaskJson(reply, 400, { error: '観戦セッションが初期化されていません' })
    // A missing watch_history (left by /api/session/clear) is a KeyError in legacy: 500.
    if (!Array.isArray(session.watch_history)) throw new Error("KeyError: 'watch_history'")
    const history = session.watch_history as WatchEntry[]
    const speaker: Speaker = settings.current_speaker === 'A' ? 'B' : 'A'
    const model = String(speaker === 'A' ? settings.model_a : settings.model_b)
    const text = stripSpeakerName(await context.llm.invoke(model, watchNextMessages(history)))
    const next = [...history, { speaker, message: text, timestamp: now() }]
    session.watch_history = next
    session.watch_settings = { ...settings, current_speaker: speaker }
    const body: Record<string, unknown> = { message: `${SPEAKER_NAMES[speaker]}: ${text}` }
    if (next.length % QUIZ_EVERY_ENTRIES === 0) body.quiz = FALLBACK_QUIZ
    return sendFlaskJson(reply, 200, body)
  })
}
