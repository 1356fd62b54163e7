/**
 * The scenario ids the suite exercises, found in the scenario folder the target serves (the
 * stand-in's samples by default), so the suite does not hard-code one folder's contents.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const SAMPLE_SCENARIOS_DIR = fileURLToPath(new URL('../../legacy-adapter/stand-in/scenarios/', import.meta.url))

export interface FixtureScenario {
  id: string
  fields: Record<string, any>
  /** What the legacy category rules say. */
  harassment: boolean
}

export interface ScenarioFixtures {
  /** The folder the target serves. */
  dir: string
  all: Map<string, FixtureScenario>
  /** A scenarioN with character_setting, regular, not reverse. */
  regular: FixtureScenario
  /** role_type: reverse, with initial_context. */
  reverse: FixtureScenario
  /** An entry of a list file (`scenarios: [...]`). */
  listEntry: FixtureScenario
}

function isHarassment (id: string, fields: Record<string, any>): boolean {
  if (fields.category === 'harassment' || fields.category === 'harassment_prevention') return true
  const n = /^scenario(\d+)$/.exec(id)
  if (n !== null && Number(n[1]) >= 31 && Number(n[1]) <= 43) return true
  return id.includes('harassment')
}

export function loadScenarioFixtures (dir = SAMPLE_SCENARIOS_DIR): ScenarioFixtures {
  const all = new Map<string, FixtureScenario>()
  const listEntries: FixtureScenario[] = []
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, any>
    if (Array.isArray(doc.scenarios)) {
      for (const entry of doc.scenarios) {
        const fixture = { id: entry.id, fields: entry, harassment: isHarassment(entry.id, entry) }
        all.set(entry.id, fixture)
        listEntries.push(fixture)
      }
    } else {
      const id = file.replace(/\.ya?ml$/, '')
      all.set(id, { id, fields: doc, harassment: isHarassment(id, doc) })
    }
  }
  const values = [...all.values()]
  const regular = values.find((s) => /^scenario\d+$/.test(s.id) && !s.harassment && s.fields.character_setting !== undefined && s.fields.role_type !== 'reverse')
  const reverse = values.find((s) => s.fields.role_type === 'reverse' && typeof s.fields.initial_context === 'string')
  if (regular === undefined || reverse === undefined || listEntries.length === 0) {
    throw new Error(`${dir} needs a regular scenarioN, a reverse-role scenario and a list file for the contract suite`)
  }
  return { dir, all, regular, reverse, listEntry: listEntries[0] }
}
