/** POST /api/scenario_feedback and /api/get_assist (docs/legacy-app.md §2.3). */
import type { FastifyInstance } from 'fastify'
import { ATTEMPTED_MODELS } from '../chat/chat-feedback-route.js'
import { asExchanges } from '../chat/history.js'
import { analyzeStrengths, xpFromScores } from '../chat/strength-analysis.js'
import { AppError, scenarioNotFoundError } from '../http/app-errors.js'
import { sendJson } from '../http/flask-json.js'
import { isLlmFailure, sendLlmFailure } from '../http/llm-failure.js'
import { readJsonObject, stringField } from '../http/request-body.js'
import { resolveModel } from '../llm/model-names.js'
import type { ServiceContext } from '../service-context.js'
import { findScenarioOrReply, scenarioHistories } from './scenario-lookup.js'
import { assistPrompt, scenarioFeedbackPrompt } from './scenario-prompts.js'

/**
 * History length at the last rewarded feedback per scenario. The legacy app keeps this in its
 * user data file; the new services keep it in the session.
 */
export const REWARDED_FEEDBACK_KEY = 'scenario_feedback_rewarded'

function readBody (request: Parameters<typeof readJsonObject>[0]): ReturnType<typeof readJsonObject> {
  try {
    return readJsonObject(request)
  } catch {
    return null
  }
}

export async function scenarioFeedbackRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.post('/api/scenario_feedback', async (request, reply) => {
    const scenario = await findScenarioOrReply(context, readBody(request)?.scenario_id, reply)
    if (scenario === undefined) return reply
    const history = asExchanges(scenarioHistories(request.session.get('scenario_history'))[scenario.id])
    if (history.length === 0) return await sendJson(reply, 404, { error: '会話履歴が見つかりません' })
    const model = resolveModel('feedback', undefined, context.env)
    try {
      const feedback = await context.llm.complete(model, [{ role: 'user', content: scenarioFeedbackPrompt(scenario, history) }])
      const strength = analyzeStrengths(history)
      const rewarded = scenarioHistories(request.session.get(REWARDED_FEEDBACK_KEY)) as unknown as Record<string, number>
      const alreadyRewarded = rewarded[scenario.id] === history.length
      if (!alreadyRewarded) request.session.set(REWARDED_FEEDBACK_KEY, { ...rewarded, [scenario.id]: history.length })
      return await sendJson(reply, 200, {
        feedback,
        scenario: scenario.title,
        model_used: model,
        strength_analysis: strength,
        gamification: alreadyRewarded ? { already_rewarded: true } : { xp_gained: xpFromScores(strength.scores) }
      })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      return await sendLlmFailure(reply, err, `フィードバックの生成に失敗しました: ${err.message}`, { attempted_models: ATTEMPTED_MODELS })
    }
  })

  app.post('/api/get_assist', async (request, reply) => {
    const data = readBody(request)
    // Legacy answers these inside the view, without error_id, and checks no id syntax here.
    const id = data?.scenario_id
    if (typeof id !== 'string' || id === '') throw new AppError('VALIDATION_ERROR', 400, 'シナリオIDが必要です', { errorId: false })
    const scenario = context.scenarios.find(id)
    if (scenario === undefined) throw scenarioNotFoundError(id)
    const model = resolveModel('scenario', request.session.get('selected_model'), context.env)
    try {
      const suggestion = await context.llm.complete(model, [{ role: 'user', content: assistPrompt(scenario, stringField(data, 'current_context')) }])
      return await sendJson(reply, 200, { suggestion })
    } catch (err) {
      if (!isLlmFailure(err)) throw err
      return await sendLlmFailure(reply, err, `アシストの生成に失敗しました: ${err.message}`)
    }
  })
}
