/** POST /api/chat_feedback: feedback on the free chat, always with the feedback model. */
import type { FastifyInstance } from 'fastify'
import { sendJson } from '../http/flask-json.js'
import { isLlmFailure, sendLlmFailure } from '../http/llm-failure.js'
import { readRequiredObject, stringField } from '../http/request-body.js'
import { resolveModel } from '../llm/model-names.js'
import type { ServiceContext } from '../service-context.js'
import { chatFeedbackPrompt } from './chat-prompts.js'
import { asExchanges } from './history.js'
import { analyzeStrengths, xpFromScores } from './strength-analysis.js'

/** The legacy answer names the provider family it tried. */
export const ATTEMPTED_MODELS = 'Gemini'

export async function chatFeedbackRoute (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.post('/api/chat_feedback', async (request, reply) => {
    const data = readRequiredObject(request)
    if (data === null) return await sendJson(reply, 400, { error: 'Invalid request' })
    const settings = request.session.get<Record<string, unknown>>('chat_settings')
    if (settings == null || typeof settings !== 'object') {
      return await sendJson(reply, 400, { error: '練習を開始してからフィードバックを取得してください' })
    }
    const history = asExchanges(request.session.get('chat_history'))
    if (history.length === 0) return await sendJson(reply, 404, { error: '会話履歴が見つかりません' })
    const model = resolveModel('feedback', undefined, context.env)
    const prompt = chatFeedbackPrompt(
      stringField(data, 'partner_type', String(settings.partner_type ?? '')),
      stringField(data, 'situation', String(settings.situation ?? '')),
      history)
    try {
      const feedback = await context.llm.complete(model, [{ role: 'user', content: prompt }])
      const strength = analyzeStrengths(history)
      return await sendJson(reply, 200, {
        feedback,
        model_used: model,
        status: 'success',
        strength_analysis: strength,
        gamification: { xp_gained: xpFromScores(strength.scores) }
      })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      return await sendLlmFailure(reply, err, `フィードバックの生成に失敗しました: ${err.message}`, { attempted_models: ATTEMPTED_MODELS, status: 'error' })
    }
  })
}
