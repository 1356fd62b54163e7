/**
 * /api/clear_history (CSRF) and /api/conversation_history (not CSRF). Watch entries are shown
 * in chat form: speaker A as `human`, B as `ai`; an entry without a speaker (three-way mode)
 * raises, which legacy answers with a 500.
 */
import type { FastifyInstance } from 'fastify'
import { validationError } from '../app-errors.js'
import { sendFlaskJson } from '../flask-json.js'
import { getJsonSilent, stringField } from '../request-body.js'
import { chatHistory, isDict, scenarioHistory, watchHistory } from '../session-values.js'

export async function historyRoutes (app: FastifyInstance): Promise<void> {
  app.post('/api/clear_history', async (request, reply) => {
    const data = getJsonSilent(request)
    if (!isDict(data)) return sendFlaskJson(reply, 400, { status: 'error', message: 'Invalid JSON' })
    const session = request.legacySession
    const mode = stringField(data, 'mode', 'scenario')
    if (mode === 'chat') {
      session.chat_history = []
      delete session.chat_settings
    } else if (mode === 'watch') {
      session.watch_history = []
      delete session.watch_settings
    } else {
      const scenarioId = stringField(data, 'scenario_id')
      if (scenarioId !== '') {
        const all = isDict(session.scenario_history) ? session.scenario_history : {}
        session.scenario_history = { ...all, [scenarioId]: [] }
      } else if (isDict(session.conversation_history)) {
        // The pre-Blueprint key, still honoured: history per model name.
        delete session.conversation_history[stringField(data, 'model')]
      }
    }
    return sendFlaskJson(reply, 200, { status: 'success', message: '会話履歴がクリアされました' })
  })

  app.post('/api/conversation_history', async (request, reply) => {
    const data = getJsonSilent(request)
    const session = request.legacySession
    const type = stringField(data, 'type', 'chat')
    if (type === 'chat') return sendFlaskJson(reply, 200, { history: chatHistory(session) ?? [] })
    if (type === 'scenario') {
      const scenarioId = stringField(data, 'scenario_id')
      if (scenarioId === '') throw validationError('シナリオIDが必要です')
      return sendFlaskJson(reply, 200, { history: scenarioHistory(session, scenarioId) ?? [] })
    }
    if (type === 'watch') {
      const history = (watchHistory(session) ?? []).map((entry) => {
        if (entry.speaker === undefined) throw new Error("KeyError: 'speaker'")
        return entry.speaker === 'A'
          ? { timestamp: entry.timestamp, human: entry.message }
          : { timestamp: entry.timestamp, ai: entry.message }
      })
      return sendFlaskJson(reply, 200, { history })
    }
    throw validationError('無効な履歴タイプです')
  })
}
