/** GET /api/categorized_scenarios and /api/scenario/:id/category (docs/legacy-app.md §2.3). */
import type { FastifyInstance } from 'fastify'
import { notFoundError } from '../http/app-errors.js'
import { sendJson } from '../http/flask-json.js'
import type { ServiceContext } from '../service-context.js'

export async function scenarioCatalogRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.get('/api/categorized_scenarios', async (_request, reply) => {
    return await sendJson(reply, 200, context.scenarios.categorized())
  })

  app.get<{ Params: { id: string } }>('/api/scenario/:id/category', async (request, reply) => {
    const scenario = context.scenarios.get(request.params.id)
    if (scenario === undefined) throw notFoundError(`シナリオが見つかりません: ${request.params.id}`)
    return await sendJson(reply, 200, { scenario_id: scenario.id, category: scenario.category, requires_consent: scenario.requires_consent })
  })
}
