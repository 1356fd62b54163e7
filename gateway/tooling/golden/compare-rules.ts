/**
 * The rules one golden step is compared with, most specific last: the engine's defaults, the
 * compare block of the feature whose route matches the request in routes.yaml (when one is
 * given), the case's compare block, the step's. Ignore paths add up at every level, starting
 * with the file's (timestamp and session_id by default).
 */
import type { GatewayConfig } from '../../core/config/gateway-config.js'
import { DEFAULT_COMPARE_RULES } from '../../analysis/diff/diff-types.js'
import type { CompareRules } from '../../analysis/diff/diff-types.js'
import { compileRouteTable, type RouteTable } from '../../data-plane/routing/route-table.js'
import type { CaseStep } from './cases-file.js'

export type RulesFor = (step: CaseStep, caseCompare?: Partial<CompareRules>) => CompareRules & { feature: string | null }

function merge (base: CompareRules, extra: Partial<CompareRules> | undefined): CompareRules {
  if (extra === undefined) return base
  return { ...base, ...extra, ignorePaths: [...new Set([...base.ignorePaths, ...(extra.ignorePaths ?? [])])] }
}

export function createRulesResolver (ignorePaths: readonly string[], config?: GatewayConfig): RulesFor {
  const table: RouteTable | undefined = config === undefined ? undefined : compileRouteTable(config)
  return (step, caseCompare) => {
    let rules: CompareRules = { ...DEFAULT_COMPARE_RULES, ignorePaths: [...ignorePaths], headers: [...DEFAULT_COMPARE_RULES.headers] }
    const route = table?.match(step.method, step.path.split('?')[0])
    if (route !== undefined) {
      const { secondLegacyCall: _unused, ...featureRules } = route.featureConfig.compare
      rules = merge(rules, featureRules)
    }
    rules = merge(merge(rules, caseCompare), step.compare)
    return { ...rules, feature: route?.feature ?? null }
  }
}
