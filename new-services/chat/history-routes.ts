/** POST /api/clear_history and /api/conversation_history (docs/legacy-app.md §2.2). */
import type { FastifyInstance } from 'fastify'
import { validationError } from '../http/app-errors.js'
import { sendJson } from '../http/flask-json.js'
import { readJsonObject, stringField } from '../http/request-body.js'
import type { ServiceContext } from '../service-context.js'
import { storedList } from './history.js'

export async function historyRoutes (app: FastifyInstance, _context: ServiceContext): Promise<void> {
  app.post('/api/clear_history', async (request, reply) => {
    let data
    try {
      data = readJsonObject(request)
    } catch {
      return await sendJson(reply, 400, { status: 'error', message: 'Invalid JSON' })
    }
    if (data == null) return await sendJson(reply, 400, { status: 'error', message: 'Invalid JSON' })
    const session = request.session
    const mode = stringField(data, 'mode', 'scenario')
    if (mode === 'chat') {
      session.set('chat_history', [])
      session.delete('chat_settings')
    } else if (mode === 'watch') {
      session.set('watch_history', [])
      session.delete('watch_settings')
    } else {
      const scenarioId = data.scenario_id
      const histories = session.get<Record<string, unknown>>('scenario_history')
      if (typeof scenarioId === 'string' && scenarioId !== '') {
        if (histories != null && typeof histories === 'object' && scenarioId in histories) {
          session.set('scenario_history', { ...histories, [scenarioId]: [] })
        }
      } else {
        // The legacy per-model conversation_history key.
        const legacy = session.get<Record<string, unknown>>('conversation_history')
        const model = stringField(data, 'model')
        if (legacy != null && typeof legacy === 'object' && model in legacy) session.set('conversation_history', { ...legacy, [model]: [] })
      }
    }
    return await sendJson(reply, 200, { status: 'success', message: '会話履歴がクリアされました' })
  })

  app.post('/api/conversation_history', async (request, reply) => {
    const data = readJsonObject(request)
    const type = data?.type
    const session = request.session
    if (type === 'chat') return await sendJson(reply, 200, { history: storedList(session.get('chat_history')) })
    if (type === 'scenario') {
      const scenarioId = data?.scenario_id
      if (typeof scenarioId !== 'string' || scenarioId === '') throw validationError('シナリオIDが必要です')
      const histories = session.get<Record<string, unknown>>('scenario_history') ?? {}
      return await sendJson(reply, 200, { history: storedList(histories[scenarioId]) })
    }
    if (type === 'watch') {
      // Entries without a speaker (three-way mode) are skipped instead of failing the request.
      const history = storedList(session.get('watch_history')).flatMap((entry): Array<Record<string, unknown>> => {
        const e = entry as Record<string, unknown>
        if (e?.speaker === 'A') return [{ timestamp: e.timestamp, human: e.message }]
        if (e?.speaker === 'B') return [{ timestamp: e.timestamp, ai: e.message }]
        return []
      })
      return await sendJson(reply, 200, { history })
    }
    throw validationError('無効な履歴タイプです')
  })
}
