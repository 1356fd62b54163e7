import { typeName } from './canonical-json.js'
import type { RawDiff } from './deep-compare.js'
import type { Difference } from './diff-types.js'

/** `['history', 2, 'ai']` -> `history.2.ai`; `[]` sticks to its array (`history[].ai`); root is `$`. */
export function formatPath (segments: ReadonlyArray<string | number> | undefined, prefix = ''): string {
  let out = prefix
  for (const segment of segments ?? []) {
    const s = String(segment)
    if (s === '[]') out += s
    else out += out === '' ? s : `.${s}`
  }
  return out === '' ? '$' : out
}

export interface ClassifyOptions {
  /** Values are type names (shape mode), so every edit is a type difference. */
  shape?: boolean
  /** Put before every path, e.g. `sse.terminal`. */
  prefix?: string
}

/** Stage 3: deep-diff's N/D/E/A records become kinds with dotted paths. */
export function classify (diffs: readonly RawDiff[], options: ClassifyOptions = {}): Difference[] {
  return diffs.map((diff): Difference => {
    const path = formatPath(diff.path, options.prefix)
    switch (diff.kind) {
      case 'N':
        return { kind: 'extra', path, candidate: diff.rhs }
      case 'D':
        return { kind: 'missing', path, legacy: diff.lhs }
      case 'E': {
        const sameType = typeName(diff.lhs) === typeName(diff.rhs)
        return { kind: sameType && options.shape !== true ? 'changed' : 'type', path, legacy: diff.lhs, candidate: diff.rhs }
      }
      case 'A': {
        const item = diff.item as { lhs?: unknown, rhs?: unknown }
        return {
          kind: 'array',
          path: formatPath([...(diff.path ?? []), diff.index], options.prefix),
          legacy: item.lhs,
          candidate: item.rhs
        }
      }
    }
    // Unreachable while deep-diff knows only four kinds.
    return { kind: 'changed', path }
  })
}
