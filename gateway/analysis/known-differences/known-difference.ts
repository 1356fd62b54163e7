/**
 * Known differences: a difference signature (feature, route, path, kind) an operator accepted,
 * with a reason and an optional expiry ("legacy bug, new is right", "ordering only"). A shadow
 * pair whose every difference is known still counts, apart (`known`), and the verdict and the
 * rollout gate judge the rest. Paths use the ignore-path syntax, so `regular_communication[].id`
 * names that field in every item, whatever its index.
 */
import { parseIgnorePath, segmentMatches } from '../diff/ignore-paths.js'
import type { Difference, DifferenceKind } from '../diff/diff-types.js'

export interface KnownDifference {
  id: string
  feature: string
  /** The route template, as diff records name it (`/api/categorized_scenarios`). */
  route: string
  path: string
  kind: DifferenceKind
  reason: string
  /** ISO 8601; null for one declared in routes.yaml. */
  acceptedAt: string | null
  /** ISO 8601; null: until removed. */
  expiresAt: string | null
  /** Who accepted it: the admin token's id, null for a loopback caller or routes.yaml. */
  acceptedBy: string | null
  /** `admin`: accepted through the admin API (removable there); `routes.yaml`: declared in compare.known. */
  source: 'admin' | 'routes.yaml'
}

export type NewKnownDifference = Omit<KnownDifference, 'id' | 'acceptedAt' | 'source'>

/** A difference's path as segments: `a.b.2.c`, with `[]` kept for shape-mode item paths. */
function segmentsOf (path: string): readonly string[] {
  return parseIgnorePath(path)
}

function matchFrom (pattern: readonly string[], i: number, path: readonly string[], j: number): boolean {
  if (i === pattern.length) return j === path.length
  const segment = pattern[i]
  if (segment === '**') return matchFrom(pattern, i + 1, path, j) || (j < path.length && matchFrom(pattern, i, path, j + 1))
  if (j === path.length) return false
  const key = path[j]
  const inArray = key === '[]' || /^\d+$/.test(key)
  const same = segment === '[]' && key === '[]'
  return (same || segmentMatches(segment, key, inArray)) && matchFrom(pattern, i + 1, path, j + 1)
}

/** Whether `pattern` (ignore-path syntax) names the difference path `path`. */
export function pathMatches (pattern: string, path: string): boolean {
  return pattern === path || matchFrom(segmentsOf(pattern), 0, segmentsOf(path), 0)
}

export interface KnownDifferences {
  list: () => KnownDifference[]
  add: (entry: NewKnownDifference) => Promise<KnownDifference>
  /** false when there was no such entry. */
  remove: (id: string) => Promise<boolean>
  /** The accepted entry this difference matches, if any (expired ones never match). */
  match: (feature: string, route: string, difference: Difference, now?: number) => KnownDifference | undefined
  close: () => Promise<void>
}

export function matchIn (entries: readonly KnownDifference[], feature: string, route: string, difference: Difference, now: number): KnownDifference | undefined {
  for (const entry of entries) {
    if (entry.feature !== feature || entry.route !== route || entry.kind !== difference.kind) continue
    if (entry.expiresAt !== null && Date.parse(entry.expiresAt) <= now) continue
    if (pathMatches(entry.path, difference.path)) return entry
  }
  return undefined
}

/** Every difference known: the pair counts apart. An empty list is not "all known". */
export function allKnown (known: KnownDifferences | undefined, feature: string, route: string, differences: readonly Difference[], now = Date.now()): boolean {
  if (known === undefined || differences.length === 0) return false
  return differences.every((difference) => known.match(feature, route, difference, now) !== undefined)
}
