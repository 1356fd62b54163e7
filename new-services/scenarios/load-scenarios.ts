/**
 * Reads a folder of scenario YAML files in the legacy schema: `scenarioN.yaml` holds one
 * scenario whose id is the file stem; a file with `scenarios: [...]` holds several, each with
 * its own `id`. Ordered by the id's trailing number as the legacy loader does.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { categorize, HARASSMENT_WARNING_MESSAGE } from './categorize.js'
import type { Scenario, ScenarioSummary } from './scenario-types.js'

/**
 * SCENARIOS_DIR (the legacy app's `scenarios/` folder), else the legacy stand-in's sample folder
 * when that package is installed (a development checkout), so the repository runs without the
 * legacy app. A deployment without either is told what to set.
 */
export async function scenariosDirFromEnv (env: Record<string, string | undefined> = process.env): Promise<string> {
  if (env.SCENARIOS_DIR != null && env.SCENARIOS_DIR !== '') return env.SCENARIOS_DIR
  try {
    const { SAMPLE_SCENARIOS_DIR } = await import('@strangler-gateway/legacy-stand-in/sample-scenarios')
    return SAMPLE_SCENARIOS_DIR
  } catch (err) {
    throw new Error('SCENARIOS_DIR is not set and the sample scenarios (@strangler-gateway/legacy-stand-in) are not installed: ' +
      'set SCENARIOS_DIR to the legacy app\'s scenarios folder', { cause: err })
  }
}

export async function loadScenarios (dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort(fileOrder)
  const found: Scenario[] = []
  for (const file of files) {
    const doc = parse(await readFile(path.join(dir, file), 'utf8')) as unknown
    if (doc == null || typeof doc !== 'object') continue
    const record = doc as Record<string, unknown>
    if (Array.isArray(record.scenarios)) {
      for (const entry of record.scenarios) {
        if (entry != null && typeof entry === 'object' && typeof (entry as Record<string, unknown>).id === 'string') {
          found.push(toScenario(String((entry as Record<string, unknown>).id), entry as Record<string, unknown>))
        }
      }
    } else {
      found.push(toScenario(file.replace(/\.ya?ml$/, ''), record))
    }
  }
  return found
    .map((scenario, index) => ({ scenario, index, n: trailingNumber(scenario.id) }))
    .sort((a, b) => a.n - b.n || a.index - b.index)
    .map((entry) => entry.scenario)
}

/**
 * Number ties follow the legacy app's os.listdir order, which is arbitrary; like the stand-in,
 * scenarioN files come first, then the others by name, so both list scenarios identically.
 */
function fileOrder (a: string, b: string): number {
  const numbered = (name: string): number => /^scenario\d+\.ya?ml$/.test(name) ? 0 : 1
  return numbered(a) - numbered(b) || a.localeCompare(b)
}

function trailingNumber (id: string): number {
  const match = /(\d+)$/.exec(id)
  return match == null ? Number.MAX_SAFE_INTEGER : Number(match[1])
}

function toScenario (id: string, raw: Record<string, unknown>): Scenario {
  const category = categorize(id, raw)
  return {
    ...raw,
    id,
    title: asString(raw.title),
    description: asString(raw.description),
    difficulty: asString(raw.difficulty),
    tags: asStrings(raw.tags),
    learning_points: asStrings(raw.learning_points),
    feedback_points: asStrings(raw.feedback_points),
    category,
    requires_consent: category === 'harassment_prevention',
    ...(category === 'harassment_prevention' ? { warning_message: HARASSMENT_WARNING_MESSAGE } : {})
  }
}

export function summarize (scenario: Scenario): ScenarioSummary {
  const { id, title, description, difficulty, category, requires_consent: requiresConsent, tags } = scenario
  return { id, title, description, difficulty, category, requires_consent: requiresConsent, tags }
}

function asString (value: unknown): string {
  return typeof value === 'string' ? value : value == null ? '' : String(value)
}

function asStrings (value: unknown): string[] {
  return Array.isArray(value) ? value.map(asString) : []
}
