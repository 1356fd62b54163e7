/**
 * A decoded value may share containers (pickle memo) and, from a hostile pickle, be cyclic or
 * nested deeply enough to overflow the stack of whoever walks it next (JSON.stringify, deep
 * equality, the writer). This walk rejects both, iteratively and in time linear in the number of
 * containers: finished containers are remembered with their height.
 */
export const DEFAULT_MAX_DEPTH = 500

function childrenOf (value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value)
  }
  return null
}

/** Returns a problem description, or null when the value is a finite tree within maxDepth. */
export function checkValueShape (root: unknown, maxDepth = DEFAULT_MAX_DEPTH): string | null {
  const rootChildren = childrenOf(root)
  if (rootChildren === null) return null
  const height = new Map<object, number>()
  const onPath = new Set<object>()
  const frames: Array<{ node: object, children: unknown[], i: number, h: number }> = []
  frames.push({ node: root as object, children: rootChildren, i: 0, h: 1 })
  onPath.add(root as object)
  while (frames.length > 0) {
    const top = frames[frames.length - 1]
    if (top.i === top.children.length) {
      frames.pop()
      onPath.delete(top.node)
      height.set(top.node, top.h)
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]
        parent.h = Math.max(parent.h, top.h + 1)
      }
      continue
    }
    const child = top.children[top.i++]
    const grandChildren = childrenOf(child)
    if (grandChildren === null) continue
    const node = child as object
    if (onPath.has(node)) return 'a container contains itself (cycle)'
    const known = height.get(node)
    if (known !== undefined) {
      if (frames.length + known > maxDepth) return `nesting deeper than ${maxDepth}`
      top.h = Math.max(top.h, known + 1)
      continue
    }
    if (frames.length + 1 > maxDepth) return `nesting deeper than ${maxDepth}`
    onPath.add(node)
    frames.push({ node, children: grandChildren, i: 0, h: 1 })
  }
  return null
}
