/**
 * Ignore paths: `timestamp` (a top-level key), `history[].timestamp` (in every item of an
 * array), `*.session_id` (one level down under any key or index), `**.timestamp` (at any depth),
 * `csrf_token*` (any key that starts with `csrf_token`). A literal segment also matches an array
 * index (`items.0.id`). The same paths name the session keys of `compare.session.keys`.
 */
export type IgnorePattern = readonly string[]

export function parseIgnorePath (path: string): IgnorePattern {
  const segments: string[] = []
  for (const part of path.split('.')) {
    let name = part
    let items = 0
    while (name.endsWith('[]')) {
      name = name.slice(0, -2)
      items++
    }
    if (name !== '') segments.push(name)
    for (let i = 0; i < items; i++) segments.push('[]')
  }
  return segments
}

interface State { pattern: IgnorePattern, at: number }

export function segmentMatches (segment: string, key: string, inArray: boolean): boolean {
  if (segment === '*') return true
  if (segment === '[]') return inArray
  if (segment.length > 1 && segment.endsWith('*') && segment !== '**') return key.startsWith(segment.slice(0, -1))
  return segment === key
}

/** States for a child: each consumes one segment, `**` may also stay where it is. */
function advance (states: State[], key: string, inArray: boolean): { next: State[], removed: boolean } {
  const next: State[] = []
  let removed = false
  const push = (pattern: IgnorePattern, at: number): void => {
    if (at === pattern.length) removed = true
    else next.push({ pattern, at })
    // `**` matches zero segments too, so the segment after it is live at the same node.
    if (pattern[at] === '**') push(pattern, at + 1)
  }
  for (const { pattern, at } of states) {
    const segment = pattern[at]
    if (segment === '**') push(pattern, at)
    else if (segmentMatches(segment, key, inArray)) push(pattern, at + 1)
  }
  return { next, removed }
}

function strip (value: unknown, states: State[]): unknown {
  if (states.length === 0 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const out: unknown[] = []
    value.forEach((item, index) => {
      const { next, removed } = advance(states, String(index), true)
      if (!removed) out.push(strip(item, next))
    })
    return out
  }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const { next, removed } = advance(states, key, false)
    if (!removed) out[key] = strip(item, next)
  }
  return out
}

/** A copy of `value` without the parts any pattern names; `value` itself is left alone. */
export function removeIgnoredPaths (value: unknown, patterns: readonly IgnorePattern[]): unknown {
  if (patterns.length === 0) return value
  const initial: State[] = []
  for (const pattern of patterns) {
    initial.push({ pattern, at: 0 })
    if (pattern[0] === '**') initial.push({ pattern, at: 1 })
  }
  return strip(value, initial)
}
