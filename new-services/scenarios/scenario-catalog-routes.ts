/** GET /api/categorized_scenarios and /api/scenario/:id/category (docs/legacy-app.md §2.3, §4.2). */
import type { FastifyInstance } from 'fastify'
import { scenarioNotFoundError } from '../http/app-errors.js'
import { sendJson } from '../http/flask-json.js'
import type { ServiceContext } from '../service-context.js'

export async function scenarioCatalogRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.get('/api/categorized_scenarios', async (_request, reply) => {
    return await sendJson(reply, 200, context.scenarios.categorized())
  })

  app.get<{ Params: { id: string } }>('/api/scenario/:id/category', async (request, reply) => {
    // Legacy looks the id up as it is, without the scenario_chat id syntax.
    const scenario = context.scenarios.find(request.params.id)
    if (scenario === undefined) throw scenarioNotFoundError(request.params.id)
    return await sendJson(reply, 200, { scenario_id: scenario.id, category: scenario.category, requires_consent: scenario.requires_consent })
  })
}
