import type { Difference } from './diff-types.js'

/** Status, header and body paths live in different namespaces: a body key may be called `status`. */
function area (d: Difference): string {
  return d.kind === 'status' || d.kind === 'header' ? d.kind : 'body'
}

function isAtOrBelow (path: string, noisePath: string): boolean {
  if (noisePath === '$') return true
  return path === noisePath || path.startsWith(`${noisePath}.`) || path.startsWith(`${noisePath}[]`)
}

/**
 * Diffy's primary/secondary idea: whatever differs between two legacy answers to the same
 * request is noise, so a legacy-vs-candidate difference at (or below) such a path is dropped.
 */
export function subtractNoise (differences: readonly Difference[], noise: readonly Difference[]): { kept: Difference[], dropped: number } {
  if (noise.length === 0) return { kept: [...differences], dropped: 0 }
  const kept = differences.filter((d) => !noise.some((n) => area(n) === area(d) && isAtOrBelow(d.path, n.path)))
  return { kept, dropped: differences.length - kept.length }
}
