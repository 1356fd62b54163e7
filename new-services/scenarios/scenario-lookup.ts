/** The scenario a request names, or the legacy 503/400 answer. */
import type { FastifyReply } from 'fastify'
import { sendJson } from '../http/flask-json.js'
import type { ServiceContext } from '../service-context.js'
import type { Scenario } from './scenario-types.js'

export async function findScenarioOrReply (context: ServiceContext, id: unknown, reply: FastifyReply): Promise<Scenario | undefined> {
  if (context.scenarios.all.length === 0) {
    await sendJson(reply, 503, { error: 'シナリオデータが読み込まれていません' })
    return undefined
  }
  const scenario = context.scenarios.get(id)
  if (scenario === undefined) await sendJson(reply, 400, { error: '無効なシナリオIDです' })
  return scenario
}

export function scenarioHistories (value: unknown): Record<string, unknown[]> {
  return value != null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown[]> : {}
}
