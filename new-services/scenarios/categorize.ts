/**
 * The legacy category manager's rules (docs/legacy-app.md §4.1): harassment prevention is
 * an explicit `category`, ids scenario31..scenario43, or an id containing "harassment". The
 * gray_zone_* scenarios therefore count as regular, as they do in the legacy app.
 */
import type { ScenarioCategory } from './scenario-types.js'

const HARASSMENT_CATEGORIES = new Set(['harassment', 'harassment_prevention'])
const FIRST_HARASSMENT_NUMBER = 31
const LAST_HARASSMENT_NUMBER = 43

export const HARASSMENT_WARNING_MESSAGE =
  'このシナリオはハラスメントに関する内容を含みます。学習目的であることをご理解の上、取り組んでください。'

export function categorize (id: string, raw: Record<string, unknown>): ScenarioCategory {
  if (typeof raw.category === 'string' && HARASSMENT_CATEGORIES.has(raw.category)) return 'harassment_prevention'
  const numbered = /^scenario(\d+)$/.exec(id)
  if (numbered != null) {
    const n = Number(numbered[1])
    if (n >= FIRST_HARASSMENT_NUMBER && n <= LAST_HARASSMENT_NUMBER) return 'harassment_prevention'
  }
  if (id.includes('harassment')) return 'harassment_prevention'
  return 'regular_communication'
}
