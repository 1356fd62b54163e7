import { canonicalJson } from './canonical-json.js'
import { classify } from './classify.js'
import { deepCompare } from './deep-compare.js'
import { toShape } from './to-shape.js'
import type { Difference, SseEvent } from './diff-types.js'

/** Streams of 2 and 5 chunks are alike; one event and many are not; nothing is its own class. */
export function eventCountClass (count: number): '0' | '1' | '2-5' | '6+' {
  if (count <= 1) return count === 0 ? '0' : '1'
  return count <= 5 ? '2-5' : '6+'
}

/** `data: {"done": true, ...}`, or an event named done/end. */
export function isTerminalEvent (event: SseEvent): boolean {
  if (event.event === 'done' || event.event === 'end') return true
  const json = event.json as { done?: unknown } | undefined
  return json !== null && typeof json === 'object' && json.done === true
}

function dataShape (event: SseEvent): unknown {
  return event.json === undefined ? 'text' : toShape(event.json)
}

function eventNames (events: readonly SseEvent[]): string[] {
  return [...new Set(events.map((e) => e.event))]
}

function shapeSet (events: readonly SseEvent[]): Map<string, unknown> {
  const shapes = new Map<string, unknown>()
  for (const event of events) {
    const shape = dataShape(event)
    shapes.set(canonicalJson(shape), shape)
  }
  return shapes
}

/**
 * Stream-aware compare: event count class, event names (in order of first appearance), the
 * distinct data shapes of the non-terminal events, and the terminal event (present, and its shape).
 * Values are free: two LLM streams with different text and chunking are equal.
 */
export function compareSse (legacy: readonly SseEvent[], candidate: readonly SseEvent[]): Difference[] {
  const out: Difference[] = []
  const lClass = eventCountClass(legacy.length)
  const cClass = eventCountClass(candidate.length)
  if (lClass !== cClass) out.push({ kind: 'sse', path: 'sse.count', legacy: lClass, candidate: cClass })

  const lNames = eventNames(legacy)
  const cNames = eventNames(candidate)
  if (lNames.join('\n') !== cNames.join('\n')) out.push({ kind: 'sse', path: 'sse.events', legacy: lNames, candidate: cNames })

  const lShapes = shapeSet(legacy.filter((e) => !isTerminalEvent(e)))
  const cShapes = shapeSet(candidate.filter((e) => !isTerminalEvent(e)))
  for (const [key, shape] of lShapes) if (!cShapes.has(key)) out.push({ kind: 'sse', path: 'sse.data', legacy: shape })
  for (const [key, shape] of cShapes) if (!lShapes.has(key)) out.push({ kind: 'sse', path: 'sse.data', candidate: shape })

  const lTerminal = legacy.findLast(isTerminalEvent)
  const cTerminal = candidate.findLast(isTerminalEvent)
  if ((lTerminal === undefined) !== (cTerminal === undefined)) {
    out.push({ kind: 'sse', path: 'sse.terminal', legacy: lTerminal !== undefined, candidate: cTerminal !== undefined })
  } else if (lTerminal !== undefined && cTerminal !== undefined) {
    out.push(...classify(deepCompare(dataShape(lTerminal), dataShape(cTerminal)), { shape: true, prefix: 'sse.terminal' }))
  }
  return out
}
