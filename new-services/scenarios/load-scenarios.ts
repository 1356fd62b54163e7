/**
 * Reads a folder of scenario YAML files in the legacy schema: `scenarioN.yaml` holds one
 * scenario whose id is the file stem; a file with `scenarios: [...]` holds several, each with
 * its own `id`. Ordered by the id's trailing number as the legacy loader does.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { categorize, HARASSMENT_WARNING_MESSAGE } from './categorize.js'
import type { Scenario, ScenarioSummary } from './scenario-types.js'

/**
 * The stand-in's sample folder, so the repo runs without the legacy app checked out. Found from
 * the sources (new-services/scenarios) or from the build (dist/new-services/scenarios), since
 * tsc does not copy YAML files into dist.
 */
export const DEFAULT_SCENARIOS_DIR = [
  '../../legacy-adapter/stand-in/scenarios/',
  '../../../legacy-adapter/stand-in/scenarios/'
].map((relative) => fileURLToPath(new URL(relative, import.meta.url))).find((dir) => existsSync(dir)) ??
  fileURLToPath(new URL('../../legacy-adapter/stand-in/scenarios/', import.meta.url))

export function scenariosDirFromEnv (env: Record<string, string | undefined> = process.env): string {
  return env.SCENARIOS_DIR != null && env.SCENARIOS_DIR !== '' ? env.SCENARIOS_DIR : DEFAULT_SCENARIOS_DIR
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
