/**
 * /api/scenario_chat and /api/scenario_clear. The first call of a scenario (empty history) is
 * a start: a normal scenario ignores the user's text and opens with the character's approach; a
 * reverse-role scenario with an empty message opens with the situation and calls no model.
 * Model failures answer 200 with an apology that is stored like a reply, as legacy does.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { bleachClean } from '../bleach.js'
import { SCENARIO_START_MARKER, historyMessages } from '../chat-prompts.js'
import { sendFlaskJson } from '../flask-json.js'
import { isAllowedModelName, resolveModel } from '../models.js'
import { naiveIsoTimestamp } from '../naive-timestamp.js'
import type { LlmMessage } from '../offline-llm.js'
import { field, getJsonSilent, stringField } from '../request-body.js'
import type { LegacyScenario } from '../scenario-catalog.js'
import { isWellFormedScenarioId } from '../scenario-catalog.js'
import { isReverseScenario, reverseOpening, scenarioOpeningInstruction, scenarioSystemPrompt } from '../scenario-prompts.js'
import { dictKey, scenarioHistory } from '../session-values.js'
import type { StandInContext } from '../stand-in-context.js'

/** The scenario named by a request, or the legacy 400/503 already sent. */
export function findScenario (context: StandInContext, id: string, reply: FastifyReply): LegacyScenario | undefined {
  if (context.scenarios.size === 0) {
    sendFlaskJson(reply, 503, { error: 'シナリオデータが読み込まれていません' })
    return undefined
  }
  const scenario = isWellFormedScenarioId(id) ? context.scenarios.get(id) : undefined
  if (scenario === undefined) sendFlaskJson(reply, 400, { error: '無効なシナリオIDです' })
  return scenario
}

export async function scenarioChatRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  const now = (): string => naiveIsoTimestamp(context.now())

  app.post('/api/scenario_chat', async (request, reply) => {
    const data = getJsonSilent(request)
    const scenario = findScenario(context, stringField(data, 'scenario_id'), reply)
    if (scenario === undefined) return reply
    const model = resolveModel(context.models, 'scenario', field(data, 'model'))
    if (!isAllowedModelName(model)) return sendFlaskJson(reply, 400, { error: '無効なモデル名です' })
    const message = stringField(data, 'message').trim()
    const session = request.legacySession
    const history = scenarioHistory(session, scenario.id) ?? []
    const starting = history.length === 0
    const system: LlmMessage = { role: 'system', content: scenarioSystemPrompt(scenario) }

    let messages: LlmMessage[] | undefined
    if (!starting) messages = [system, ...historyMessages(history), { role: 'human', content: message }]
    else if (!isReverseScenario(scenario)) messages = [system, { role: 'human', content: scenarioOpeningInstruction(scenario) }]
    else if (message !== '') messages = [system, { role: 'human', content: message }]

    let text: string
    try {
      text = messages === undefined ? reverseOpening(scenario) : await context.llm.invoke(model, messages)
    } catch (err) {
      request.log.warn({ err, scenarioId: scenario.id }, 'scenario model call failed')
      text = `申し訳ありません。${(err as Error).message}`
    }
    if (starting) dictKey(session, 'scenario_settings')[scenario.id] = { start_time: now() }
    const human = starting && message === '' ? SCENARIO_START_MARKER : message
    dictKey(session, 'scenario_history')[scenario.id] = [...history, { human, ai: text, timestamp: now() }]
    return sendFlaskJson(reply, 200, { response: bleachClean(text) })
  })

  app.post('/api/scenario_clear', async (request, reply) => {
    const scenario = findScenario(context, stringField(getJsonSilent(request), 'scenario_id'), reply)
    if (scenario === undefined) return reply
    dictKey(request.legacySession, 'scenario_history')[scenario.id] = []
    return sendFlaskJson(reply, 200, { status: 'success', message: 'シナリオ履歴がクリアされました' })
  })
}
