/** Lookups over the loaded scenarios, with the legacy app's id check. */
import { summarize } from './load-scenarios.js'
import type { Scenario, ScenarioSummary } from './scenario-types.js'

const SCENARIO_ID = /^scenario\d+$|^[a-z]+(?:_[a-z]+)*_\d{2}$/

export function isWellFormedScenarioId (id: unknown): id is string {
  return typeof id === 'string' && SCENARIO_ID.test(id)
}

export interface ScenarioCatalog {
  readonly all: readonly Scenario[]
  /** The scenario for a well-formed, known id; undefined otherwise. */
  get (id: unknown): Scenario | undefined
  /** Any loaded id, without the id syntax check (legacy's category and assist lookups). */
  find (id: string): Scenario | undefined
  categorized (): { regular_communication: ScenarioSummary[], harassment_prevention: ScenarioSummary[] }
}

export function createScenarioCatalog (scenarios: readonly Scenario[]): ScenarioCatalog {
  const byId = new Map(scenarios.map((s) => [s.id, s]))
  return {
    all: scenarios,
    get (id) {
      return isWellFormedScenarioId(id) ? byId.get(id) : undefined
    },
    find (id) {
      return byId.get(id)
    },
    categorized () {
      const result = { regular_communication: [] as ScenarioSummary[], harassment_prevention: [] as ScenarioSummary[] }
      for (const scenario of scenarios) result[scenario.category].push(summarize(scenario))
      return result
    }
  }
}
