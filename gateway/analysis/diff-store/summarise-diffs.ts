import { stringify } from 'yaml'
import { suggestedIgnore } from './field-key.js'
import type { DiffOutcome, DiffSummary, FeatureSummary, OutcomeCounts, RouteSummary, SummaryOptions } from './diff-store-types.js'

export const DEFAULT_VOLATILE_RATE = 0.9
export const DEFAULT_VOLATILE_MIN_SAMPLES = 20
export const DEFAULT_TOP_FIELDS = 10

/** Raw counters of one feature/route, as both stores keep them. */
export interface RouteCounters {
  feature: string
  route: string
  outcomes: Partial<Record<DiffOutcome, number>>
  fields: Record<string, number>
}

function counts (outcomes: RouteCounters['outcomes']): OutcomeCounts {
  const equal = outcomes.equal ?? 0
  const different = outcomes.different ?? 0
  return {
    compared: equal + different,
    equal,
    different,
    dropped: outcomes.dropped ?? 0,
    errors: outcomes.error ?? 0,
    tooLarge: outcomes.too_large ?? 0
  }
}

const rate = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 10_000)

function routeSummary (c: RouteCounters, o: Required<SummaryOptions>): RouteSummary {
  const totals = counts(c.outcomes)
  const fields = Object.entries(c.fields)
    .map(([field, count]) => ({ field, count, rate: rate(count, totals.compared) }))
    .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field))
  const volatileFields = totals.compared < o.volatileMinSamples
    ? []
    : fields.filter((f) => f.rate >= o.volatileRate).map((f) => ({ ...f, suggestedIgnore: suggestedIgnore(f.field) }))
  return {
    feature: c.feature,
    route: c.route,
    ...totals,
    diffRate: rate(totals.different, totals.compared),
    topFields: fields.slice(0, o.topFields),
    volatileFields
  }
}

function add (into: OutcomeCounts, from: OutcomeCounts): void {
  into.compared += from.compared
  into.equal += from.equal
  into.different += from.different
  into.dropped += from.dropped
  into.errors += from.errors
  into.tooLarge += from.tooLarge
}

/** Per route and per feature totals, top fields, volatile fields and the ignore rules that would silence them. */
export function summarise (counters: readonly RouteCounters[], options: SummaryOptions = {}, now = new Date()): DiffSummary {
  const o: Required<SummaryOptions> = {
    volatileRate: options.volatileRate ?? DEFAULT_VOLATILE_RATE,
    volatileMinSamples: options.volatileMinSamples ?? DEFAULT_VOLATILE_MIN_SAMPLES,
    topFields: options.topFields ?? DEFAULT_TOP_FIELDS
  }
  const routes = counters.map((c) => routeSummary(c, o))
    .sort((a, b) => a.feature.localeCompare(b.feature) || a.route.localeCompare(b.route))
  const features: Record<string, FeatureSummary> = {}
  for (const r of routes) {
    const f = features[r.feature] ??= {
      compared: 0, equal: 0, different: 0, dropped: 0, errors: 0, tooLarge: 0, diffRate: 0, suggestedIgnorePaths: [], suggestedRoutesYaml: null
    }
    add(f, r)
    for (const v of r.volatileFields) {
      if (v.suggestedIgnore !== null && !f.suggestedIgnorePaths.includes(v.suggestedIgnore)) f.suggestedIgnorePaths.push(v.suggestedIgnore)
    }
  }
  for (const [name, f] of Object.entries(features)) {
    f.diffRate = rate(f.different, f.compared)
    f.suggestedIgnorePaths.sort()
    if (f.suggestedIgnorePaths.length > 0) {
      f.suggestedRoutesYaml = stringify({ features: { [name]: { compare: { ignorePaths: f.suggestedIgnorePaths } } } })
    }
  }
  return { generatedAt: now.toISOString(), features, routes }
}
