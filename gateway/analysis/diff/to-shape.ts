import { canonicalJson, typeName } from './canonical-json.js'

/** Key under which an array's item shape sits, so paths read `history[].ai`. */
export const ARRAY_ITEMS = '[]'

/**
 * The shape of a JSON value for `shape` mode: every leaf becomes its type name, objects keep
 * their keys, and an array becomes `{ "[]": <item shape> }` whatever its length. Items of
 * different shapes become `oneOf(...)` of the distinct shapes; an empty array has items `none`.
 */
export function toShape (value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeName(value)
  if (Array.isArray(value)) {
    const shapes = new Map<string, unknown>()
    for (const item of value) {
      const shape = toShape(item)
      shapes.set(canonicalJson(shape), shape)
    }
    if (shapes.size === 0) return { [ARRAY_ITEMS]: 'none' }
    if (shapes.size === 1) return { [ARRAY_ITEMS]: [...shapes.values()][0] }
    return { [ARRAY_ITEMS]: `oneOf(${[...shapes.keys()].sort().join(' | ')})` }
  }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = toShape(item)
  return out
}
