/**
 * Reads a folder of scenario YAML files in the legacy schema: `scenarioN.yaml` holds one
 * scenario whose id is the file stem; a file with `scenarios: [...]` holds several, each with
 * its own `id`. Listed in the legacy order (docs/legacy-app.md §4.2, docs/new-services.md).
 */
import { opendir, readFile } from 'node:fs/promises'
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

/**
 * The legacy order: files as the folder lists them (os.listdir), entries in file order, an id
 * seen again keeping its first place but taking the later content (a Python dict), then a
 * stable sort by the id's trailing number, 0 without one. Same folder, same order as legacy.
 */
export async function loadScenarios (dir: string): Promise<Scenario[]> {
  const files = (await listingOrder(dir)).filter((f) => /\.ya?ml$/.test(f))
  const found = new Map<string, Scenario>()
  for (const file of files) {
    const doc = parse(await readFile(path.join(dir, file), 'utf8')) as unknown
    if (doc == null || typeof doc !== 'object') continue
    const record = doc as Record<string, unknown>
    if (Array.isArray(record.scenarios)) {
      for (const entry of record.scenarios) {
        if (entry != null && typeof entry === 'object' && typeof (entry as Record<string, unknown>).id === 'string') {
          const id = String((entry as Record<string, unknown>).id)
          found.set(id, toScenario(id, entry as Record<string, unknown>))
        }
      }
    } else {
      const id = file.replace(/\.ya?ml$/, '')
      found.set(id, toScenario(id, record))
    }
  }
  // Array.prototype.sort is stable: equal numbers keep the listing order.
  return [...found.values()].sort((a, b) => trailingNumber(a.id) - trailingNumber(b.id))
}

/**
 * The folder's entries in the order readdir(3) returns them, which is what os.listdir gives the
 * legacy app. Not fs.readdir: libuv sorts that by name, and names are not the listing order.
 */
async function listingOrder (dir: string): Promise<string[]> {
  const names: string[] = []
  for await (const entry of await opendir(dir)) names.push(entry.name)
  return names
}

function trailingNumber (id: string): number {
  const match = /(\d+)$/.exec(id)
  return match == null ? 0 : Number(match[1])
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
