/** The read-only scenario listings: /api/categorized_scenarios and /api/scenario/:id/category. */
import type { FastifyInstance } from 'fastify'
import { scenarioNotFoundError } from '../app-errors.js'
import { sendFlaskJson } from '../flask-json.js'
import { scenarioSummary } from '../scenario-catalog.js'
import type { StandInContext } from '../stand-in-context.js'

export async function scenarioCatalogRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  app.get('/api/categorized_scenarios', async (_request, reply) => {
    const all = [...context.scenarios.values()]
    return sendFlaskJson(reply, 200, {
      regular_communication: all.filter((s) => s.category === 'regular_communication').map(scenarioSummary),
      harassment_prevention: all.filter((s) => s.category === 'harassment_prevention').map(scenarioSummary)
    })
  })

  app.get<{ Params: { id: string } }>('/api/scenario/:id/category', async (request, reply) => {
    const scenario = context.scenarios.get(request.params.id)
    if (scenario === undefined) throw scenarioNotFoundError(request.params.id)
    return sendFlaskJson(reply, 200, {
      scenario_id: scenario.id,
      category: scenario.category,
      requires_consent: scenario.requires_consent
    })
  })
}
