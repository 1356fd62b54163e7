/**
 * /api/scenario_chat and /api/scenario_clear (docs/legacy-app.md §2.3, §4.3). The first call of a
 * scenario starts it: a normal scenario opens with the character's approach (the user's text is
 * stored but not sent, as in legacy); a reverse-role scenario with an empty message opens with its
 * situation and calls no model.
 */
import type { FastifyInstance } from 'fastify'
import { bleachClean } from '../chat/bleach-clean.js'
import { asExchanges, exchangesToMessages } from '../chat/history.js'
import { MODERATION_REJECTED_RESPONSE, moderate, validateMessage } from '../chat/message-validation.js'
import { sendJson } from '../http/flask-json.js'
import { naiveIsoTimestamp } from '../http/naive-timestamp.js'
import { readJsonObject } from '../http/request-body.js'
import { LlmRateLimitError } from '../llm/errors.js'
import { isAllowedModelName, resolveModel } from '../llm/model-names.js'
import type { ChatMessage } from '../llm/llm-types.js'
import type { ServiceContext } from '../service-context.js'
import { findScenarioOrReply, scenarioHistories } from './scenario-lookup.js'
import { isReverseScenario, reverseScenarioOpening, SCENARIO_START_MARKER, scenarioOpeningInstruction, scenarioSystemPrompt } from './scenario-prompts.js'

export async function scenarioChatRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.post('/api/scenario_chat', async (request, reply) => {
    const data = readJsonObject(request)
    const scenario = await findScenarioOrReply(context, data?.scenario_id, reply)
    if (scenario === undefined) return reply
    const model = resolveModel('scenario', data?.model, context.env)
    if (!isAllowedModelName(model)) return await sendJson(reply, 400, { error: '無効なモデル名です' })
    const session = request.session
    const histories = scenarioHistories(session.get('scenario_history'))
    const history = Array.isArray(histories[scenario.id]) ? histories[scenario.id] : []
    const starting = history.length === 0
    const raw = data?.message
    // Only a starting call may be empty; anything sent is checked like a chat message.
    const message = starting && (raw == null || (typeof raw === 'string' && raw.trim() === '')) ? '' : validateMessage(raw)
    if (message !== '') {
      const moderation = moderate(message)
      if (!moderation.allowed) return await sendJson(reply, 400, { response: MODERATION_REJECTED_RESPONSE, moderation })
    }

    const system: ChatMessage = { role: 'system', content: scenarioSystemPrompt(scenario) }
    let messages: ChatMessage[] | undefined
    if (!starting) messages = [system, ...exchangesToMessages(asExchanges(history)), { role: 'user', content: message }]
    else if (!isReverseScenario(scenario)) messages = [system, { role: 'user', content: scenarioOpeningInstruction(scenario) }]
    else if (message !== '') messages = [system, { role: 'user', content: message }]

    let text: string
    try {
      text = messages === undefined ? reverseScenarioOpening(scenario) : await context.llm.complete(model, messages)
    } catch (err) {
      // A rate limit is the client's to retry (429); other model failures answer 200 with an apology, as legacy does.
      if (err instanceof LlmRateLimitError) throw err
      request.log.warn({ err, scenarioId: scenario.id }, 'scenario llm failed')
      text = `申し訳ありません。${(err as Error).message}`
    }
    if (starting) {
      const settings = scenarioHistories(session.get('scenario_settings'))
      session.set('scenario_settings', { ...settings, [scenario.id]: { start_time: naiveIsoTimestamp() } })
    }
    const human = starting && message === '' ? SCENARIO_START_MARKER : message
    session.set('scenario_history', { ...histories, [scenario.id]: [...history, { human, ai: text, timestamp: naiveIsoTimestamp() }] })
    return await sendJson(reply, 200, { response: bleachClean(text) })
  })

  app.post('/api/scenario_clear', async (request, reply) => {
    let data
    try {
      data = readJsonObject(request)
    } catch {
      data = null
    }
    const scenario = await findScenarioOrReply(context, data?.scenario_id, reply)
    if (scenario === undefined) return reply
    const histories = scenarioHistories(request.session.get('scenario_history'))
    request.session.set('scenario_history', { ...histories, [scenario.id]: [] })
    return await sendJson(reply, 200, { status: 'success', message: 'シナリオ履歴がクリアされました' })
  })
}
