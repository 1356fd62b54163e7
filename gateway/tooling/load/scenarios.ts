/**
 * The load scenarios: one read-only route of the scenario feature, GET /api/categorized_scenarios
 * (a 2 KB JSON answer both backends serve alike, no LLM), under three routing set-ups.
 */
import { stringify } from 'yaml'

export const LOAD_PATH = '/api/categorized_scenarios'

export interface LoadScenario {
  name: string
  describe: string
  /** The scenario feature's block in routes.yaml. */
  feature: { enabled: boolean, canary: number, shadow: { sample: number } }
}

export const LOAD_SCENARIOS: readonly LoadScenario[] = Object.freeze([
  { name: 'legacy-only', describe: 'flag off, no shadow: the gateway proxies to legacy', feature: { enabled: false, canary: 0, shadow: { sample: 0 } } },
  { name: 'canary-50', describe: 'flag on, canary 50%: half of the sessions are served by new', feature: { enabled: true, canary: 50, shadow: { sample: 0 } } },
  { name: 'shadow-100', describe: 'flag off, shadow 100%: legacy serves, every request is mirrored to new and compared', feature: { enabled: false, canary: 0, shadow: { sample: 100 } } }
])

export function scenarioByName (name: string): LoadScenario | undefined {
  return LOAD_SCENARIOS.find((s) => s.name === name)
}

/** The gateway's routes.yaml for a scenario. */
export function scenarioRoutesYaml (scenario: LoadScenario, legacyUrl: string, newUrl: string): string {
  return stringify({
    upstreams: { legacy: { url: legacyUrl }, new: { url: newUrl } },
    features: { scenario: { ...scenario.feature, fallback: true, compare: { mode: 'exact', ignorePaths: ['timestamp'] } } },
    routes: [{ path: LOAD_PATH, methods: ['GET'], feature: 'scenario' }]
  })
}
