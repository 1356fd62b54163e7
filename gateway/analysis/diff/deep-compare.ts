import deepDiff from 'deep-diff'

export type RawDiff = deepDiff.Diff<unknown, unknown>

export interface DeepCompareOptions {
  /** Numbers that differ by no more than this are not reported. */
  numericTolerance?: number
}

function withinTolerance (diff: RawDiff, tolerance: number): boolean {
  return diff.kind === 'E' && typeof diff.lhs === 'number' && typeof diff.rhs === 'number' &&
    Math.abs(diff.lhs - diff.rhs) <= tolerance
}

/**
 * The one place deep-diff is called. deep-diff answers `undefined` for equal values; this
 * always answers an array, so no caller has to remember that.
 */
export function deepCompare (legacy: unknown, candidate: unknown, options: DeepCompareOptions = {}): RawDiff[] {
  const diffs = deepDiff.diff(legacy, candidate) ?? []
  const tolerance = options.numericTolerance ?? 0
  return tolerance > 0 ? diffs.filter((d) => !withinTolerance(d, tolerance)) : diffs
}
