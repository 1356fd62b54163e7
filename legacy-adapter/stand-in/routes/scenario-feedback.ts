/**
 * /api/scenario_feedback and /api/get_assist. Feedback rewards XP once per user, scenario and
 * history length (legacy keeps that in user_data/<user_id>.json; here in process memory, keyed
 * by the session's lazily created `user_id`); a repeat answers `{"already_rewarded": true}`.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { LegacyAppError, scenarioNotFoundError } from '../app-errors.js'
import { sendFlaskJson } from '../flask-json.js'
import { resolveModel } from '../models.js'
import { field, getJsonSilent, stringField } from '../request-body.js'
import { assistPrompt, scenarioFeedbackPrompt } from '../scenario-prompts.js'
import { scenarioHistory } from '../session-values.js'
import type { StandInContext } from '../stand-in-context.js'
import { analyzeStrengths, xpFromScores } from '../strength-analysis.js'
import { findScenario } from './scenario-chat.js'

const MAX_REWARD_KEYS = 10_000

export async function scenarioFeedbackRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  const rewarded = new Set<string>()

  app.post('/api/scenario_feedback', async (request, reply) => {
    const scenario = findScenario(context, stringField(getJsonSilent(request), 'scenario_id'), reply)
    if (scenario === undefined) return reply
    const session = request.legacySession
    const history = scenarioHistory(session, scenario.id)
    if (history === undefined || history.length === 0) return sendFlaskJson(reply, 404, { error: '会話履歴が見つかりません' })
    const model = resolveModel(context.models, 'feedback', undefined)
    const feedback = await context.llm.invoke(model, [{ role: 'human', content: scenarioFeedbackPrompt(scenario, history) }])
    const strength = analyzeStrengths(history.length, context.random)
    if (typeof session.user_id !== 'string') session.user_id = randomUUID()
    const rewardKey = `${session.user_id}:${scenario.id}:${history.length}`
    const gamification = rewarded.has(rewardKey) ? { already_rewarded: true } : { xp_gained: xpFromScores(strength.scores) }
    rewarded.add(rewardKey)
    // Legacy caps its list at 200 per user; one bound for the process keeps load tests flat.
    if (rewarded.size > MAX_REWARD_KEYS) rewarded.delete(rewarded.values().next().value as string)
    return sendFlaskJson(reply, 200, {
      feedback,
      scenario: scenario.title,
      model_used: model,
      strength_analysis: strength,
      gamification
    })
  })

  app.post('/api/get_assist', async (request, reply) => {
    const data = getJsonSilent(request)
    // No id syntax check here, and both errors are answered by the view: no error_id.
    const id = field(data, 'scenario_id')
    if (typeof id !== 'string' || id === '') throw new LegacyAppError('VALIDATION_ERROR', 400, 'シナリオIDが必要です', { inView: true })
    const scenario = context.scenarios.get(id)
    if (scenario === undefined) throw scenarioNotFoundError(id)
    // Legacy reads session["selected_model"], which nothing ever writes.
    const model = resolveModel(context.models, 'scenario', request.legacySession.selected_model)
    const suggestion = await context.llm.invoke(model, [
      { role: 'human', content: assistPrompt(scenario, stringField(data, 'current_context')) }
    ])
    return sendFlaskJson(reply, 200, { suggestion })
  })
}
