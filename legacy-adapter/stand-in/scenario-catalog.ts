/**
 * The legacy scenario loader and category manager: one scenario per `scenarioN.yaml` (id = file
 * stem), several per list file (`scenarios: [{id, ...}]`), in the legacy order (docs/legacy-app.md
 * §4.2). A scenario is harassment-prevention by its `category`, by an id in scenario31-43, or by
 * an id containing "harassment"; gray_zone_* are therefore "regular", a legacy quirk kept on purpose.
 */
import { opendir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { SAMPLE_SCENARIOS_DIR } from './sample-scenarios.js'

/** The stand-in's own sample scenarios unless told otherwise. */
export const DEFAULT_SCENARIOS_DIR = SAMPLE_SCENARIOS_DIR

export type ScenarioCategory = 'regular_communication' | 'harassment_prevention'

export interface CharacterSetting {
  personality?: string
  speaking_style?: string
  situation?: string
  initial_approach?: string
}

/** A scenario as loaded, plus the fields the category manager adds. */
export interface LegacyScenario {
  id: string
  title: string
  description: string
  difficulty: string
  tags: string[]
  learning_points: string[]
  feedback_points: string[]
  role_info?: string
  character_setting?: CharacterSetting
  role_type?: string
  initial_context?: string
  system_prompt?: string
  category: ScenarioCategory
  requires_consent: boolean
  /** Every field of the YAML entry, untouched. */
  raw: Record<string, unknown>
}

const SCENARIO_ID = /^scenario\d+$|^[a-z]+(?:_[a-z]+)*_\d{2}$/

export function isWellFormedScenarioId (id: string): boolean {
  return SCENARIO_ID.test(id)
}

function categoryOf (id: string, declared: unknown): ScenarioCategory {
  if (declared === 'harassment' || declared === 'harassment_prevention') return 'harassment_prevention'
  const numbered = /^scenario(\d+)$/.exec(id)
  if (numbered !== null && Number(numbered[1]) >= 31 && Number(numbered[1]) <= 43) return 'harassment_prevention'
  return id.includes('harassment') ? 'harassment_prevention' : 'regular_communication'
}

const strings = (value: unknown): string[] => Array.isArray(value) ? value.map(String) : []
const optionalString = (value: unknown): string | undefined => typeof value === 'string' ? value : undefined

function toScenario (id: string, raw: Record<string, unknown>): LegacyScenario {
  const category = categoryOf(id, raw.category)
  return {
    id,
    title: String(raw.title ?? ''),
    description: String(raw.description ?? ''),
    difficulty: String(raw.difficulty ?? ''),
    tags: strings(raw.tags),
    learning_points: strings(raw.learning_points),
    feedback_points: strings(raw.feedback_points),
    role_info: optionalString(raw.role_info),
    character_setting: typeof raw.character_setting === 'object' && raw.character_setting !== null
      ? raw.character_setting as CharacterSetting
      : undefined,
    role_type: optionalString(raw.role_type),
    initial_context: optionalString(raw.initial_context),
    system_prompt: optionalString(raw.system_prompt),
    category,
    requires_consent: category === 'harassment_prevention',
    raw
  }
}

/** `natural_sort_key`: the id's trailing number, 0 without one. */
const trailingNumber = (id: string): number => Number(/(\d+)$/.exec(id)?.[1] ?? 0)

/** `os.listdir`: readdir(3) order. fs.readdir would not do: libuv sorts its answer by name. */
async function listDirectory (dir: string): Promise<string[]> {
  const names: string[] = []
  for await (const entry of await opendir(dir)) names.push(entry.name)
  return names
}

export async function loadScenarioCatalog (dir: string = DEFAULT_SCENARIOS_DIR): Promise<Map<string, LegacyScenario>> {
  const files = (await listDirectory(dir)).filter((name) => /\.ya?ml$/.test(name))
  // A dict, as in legacy: an id seen again keeps its first place and takes the later content.
  const loaded = new Map<string, LegacyScenario>()
  for (const file of files) {
    const document = parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown> | null
    if (document === null || typeof document !== 'object') continue
    if (Array.isArray(document.scenarios)) {
      for (const entry of document.scenarios as Array<Record<string, unknown>>) {
        if (typeof entry?.id === 'string') loaded.set(entry.id, toScenario(entry.id, entry))
      }
    } else {
      const id = path.basename(file).replace(/\.ya?ml$/, '')
      loaded.set(id, toScenario(id, document))
    }
  }
  // sorted(..., key=natural_sort_key) is stable, and so is Array.prototype.sort.
  const ordered = [...loaded.values()].sort((a, b) => trailingNumber(a.id) - trailingNumber(b.id))
  return new Map(ordered.map((scenario) => [scenario.id, scenario]))
}

/** The summary /api/categorized_scenarios lists. */
export function scenarioSummary (scenario: LegacyScenario): Record<string, unknown> {
  const { id, title, description, difficulty, category, requires_consent: requiresConsent, tags } = scenario
  return { id, title, description, difficulty, category, requires_consent: requiresConsent, tags }
}
