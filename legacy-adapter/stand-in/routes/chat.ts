/**
 * Free chat: /api/start_chat, /api/chat, /api/chat_feedback. /api/chat reads its body with a
 * strict get_json() outside any try, so a non-JSON body becomes the catch-all 500, as in legacy.
 */
import type { FastifyInstance } from 'fastify'
import { validationError } from '../app-errors.js'
import { bleachClean } from '../bleach.js'
import { CHAT_START_INSTRUCTION, CHAT_START_MARKER, chatFeedbackPrompt, chatSystemPrompt, historyMessages } from '../chat-prompts.js'
import { sendFlaskJson } from '../flask-json.js'
import { MODERATION_REJECTED_RESPONSE, moderate, validateChatMessage } from '../message-validation.js'
import { isAllowedModelName, resolveModel } from '../models.js'
import { naiveIsoTimestamp } from '../naive-timestamp.js'
import { field, getJson, getJsonSilent, isFalsy, stringField } from '../request-body.js'
import { chatHistory, isDict } from '../session-values.js'
import type { StandInContext } from '../stand-in-context.js'
import { analyzeStrengths, xpFromScores } from '../strength-analysis.js'

export async function chatRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  const now = (): string => naiveIsoTimestamp(context.now())

  app.post('/api/start_chat', async (request, reply) => {
    const data = getJsonSilent(request)
    if (isFalsy(data)) return sendFlaskJson(reply, 400, { error: 'Invalid request' })
    const session = request.legacySession
    try {
      const model = resolveModel(context.models, 'chat', field(data, 'model'))
      const partnerType = stringField(data, 'partner_type', 'colleague')
      const situation = stringField(data, 'situation', 'break')
      const topic = stringField(data, 'topic', 'general')
      const systemPrompt = chatSystemPrompt(partnerType, situation, topic)
      session.chat_history = []
      session.chat_settings = { model, partner_type: partnerType, situation, topic, start_time: now(), system_prompt: systemPrompt }
      const text = await context.llm.invoke(model, [
        { role: 'system', content: systemPrompt },
        { role: 'human', content: CHAT_START_INSTRUCTION }
      ])
      session.chat_history = [{ human: CHAT_START_MARKER, ai: text, timestamp: now() }]
      // start_chat answers with the raw model text; only /api/chat runs bleach.
      return sendFlaskJson(reply, 200, { response: text })
    } catch (err) {
      request.log.error({ err }, 'start_chat failed')
      return sendFlaskJson(reply, 500, { error: `雑談開始に失敗しました: ${(err as Error).message}` })
    }
  })

  app.post('/api/chat', async (request, reply) => {
    const data = getJson(request)
    if (!isDict(data)) throw new TypeError(`'${typeof data}' object has no attribute 'get'`)
    const raw = data.message ?? ''
    if (typeof raw !== 'string') throw new TypeError(`'${typeof raw}' object has no attribute 'strip'`)
    const message = validateChatMessage(raw)
    const model = resolveModel(context.models, 'chat', data.model)
    if (!isAllowedModelName(model)) throw validationError('無効なモデル名です')
    const session = request.legacySession
    const settings = session.chat_settings
    if (!isDict(settings) || typeof settings.system_prompt !== 'string' || settings.system_prompt === '') {
      throw validationError('チャットセッションが初期化されていません')
    }
    const moderation = moderate(message)
    if (!moderation.allowed) return sendFlaskJson(reply, 400, { response: MODERATION_REJECTED_RESPONSE, moderation })
    const history = chatHistory(session) ?? []
    const text = await context.llm.invoke(model, [
      { role: 'system', content: settings.system_prompt },
      ...historyMessages(history),
      { role: 'human', content: message }
    ])
    session.chat_history = [...history, { human: message, ai: text, timestamp: now() }]
    return sendFlaskJson(reply, 200, { response: bleachClean(text) })
  })

  app.post('/api/chat_feedback', async (request, reply) => {
    const data = getJsonSilent(request)
    if (isFalsy(data)) return sendFlaskJson(reply, 400, { error: 'Invalid request' })
    const session = request.legacySession
    const settings = session.chat_settings
    if (!isDict(settings)) return sendFlaskJson(reply, 400, { error: '練習を開始してからフィードバックを取得してください' })
    const history = chatHistory(session)
    if (history === undefined || history.length === 0) return sendFlaskJson(reply, 404, { error: '会話履歴が見つかりません' })
    const model = resolveModel(context.models, 'feedback', undefined)
    const prompt = chatFeedbackPrompt(
      stringField(data, 'partner_type', String(settings.partner_type ?? '')),
      stringField(data, 'situation', String(settings.situation ?? '')),
      history)
    const feedback = await context.llm.invoke(model, [{ role: 'human', content: prompt }])
    const strength = analyzeStrengths(history.length, context.random)
    return sendFlaskJson(reply, 200, {
      feedback,
      model_used: model,
      status: 'success',
      strength_analysis: strength,
      gamification: { xp_gained: xpFromScores(strength.scores) }
    })
  })
}
