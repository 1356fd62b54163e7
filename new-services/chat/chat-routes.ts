/** Free chat: /api/start_chat and /api/chat (docs/legacy-app.md §2.2). */
import type { FastifyInstance } from 'fastify'
import { validationError } from '../http/app-errors.js'
import { sendJson } from '../http/flask-json.js'
import { isLlmFailure, sendLlmFailure } from '../http/llm-failure.js'
import { naiveIsoTimestamp } from '../http/naive-timestamp.js'
import { readJsonObject, readRequiredObject, stringField } from '../http/request-body.js'
import { isAllowedModelName, resolveModel } from '../llm/model-names.js'
import type { ServiceContext } from '../service-context.js'
import { bleachClean } from './bleach-clean.js'
import { CHAT_START_INSTRUCTION, CHAT_START_MARKER, chatSystemPrompt } from './chat-prompts.js'
import { asExchanges, exchangesToMessages, storedList } from './history.js'
import { MODERATION_REJECTED_RESPONSE, moderate, validateMessage } from './message-validation.js'

export const CHAT_APOLOGY_PREFIX = '申し訳ありません。'

export async function chatRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.post('/api/start_chat', async (request, reply) => {
    const data = readRequiredObject(request)
    if (data === null) return await sendJson(reply, 400, { error: 'Invalid request' })
    const session = request.session
    const model = resolveModel('chat', data.model, context.env)
    const partnerType = stringField(data, 'partner_type', 'colleague')
    const situation = stringField(data, 'situation', 'break')
    const topic = stringField(data, 'topic', 'general')
    const systemPrompt = chatSystemPrompt(partnerType, situation, topic)
    session.set('chat_history', [])
    session.set('chat_settings', { model, partner_type: partnerType, situation, topic, start_time: naiveIsoTimestamp(), system_prompt: systemPrompt })
    try {
      const text = await context.llm.complete(model, [{ role: 'system', content: systemPrompt }, { role: 'user', content: CHAT_START_INSTRUCTION }])
      session.set('chat_history', [{ human: CHAT_START_MARKER, ai: text, timestamp: naiveIsoTimestamp() }])
      return await sendJson(reply, 200, { response: text })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      request.log.warn({ err }, 'start_chat llm failed')
      session.set('chat_history', [{ human: CHAT_START_MARKER, ai: `${CHAT_APOLOGY_PREFIX}${err.message}`, timestamp: naiveIsoTimestamp() }])
      return await sendLlmFailure(reply, err, `雑談の開始に失敗しました: ${err.message}`)
    }
  })

  app.post('/api/chat', async (request, reply) => {
    const data = readJsonObject(request)
    const message = validateMessage(data?.message)
    const model = resolveModel('chat', data?.model, context.env)
    if (!isAllowedModelName(model)) throw validationError('無効なモデル名です')
    const settings = request.session.get<Record<string, unknown>>('chat_settings')
    const systemPrompt = settings?.system_prompt
    if (typeof systemPrompt !== 'string' || systemPrompt === '') throw validationError('チャットセッションが初期化されていません')
    const moderation = moderate(message)
    if (!moderation.allowed) return await sendJson(reply, 400, { response: MODERATION_REJECTED_RESPONSE, moderation })
    const history = storedList(request.session.get('chat_history'))
    try {
      const text = await context.llm.complete(model, [
        { role: 'system', content: systemPrompt },
        ...exchangesToMessages(asExchanges(history)),
        { role: 'user', content: message }
      ])
      request.session.set('chat_history', [...history, { human: message, ai: text, timestamp: naiveIsoTimestamp() }])
      return await sendJson(reply, 200, { response: bleachClean(text) })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      return await sendLlmFailure(reply, err, `AIの応答取得に失敗しました: ${err.message}`)
    }
  })
}
