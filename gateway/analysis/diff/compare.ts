import { sortArraysDeep } from './canonical-json.js'
import { classify } from './classify.js'
import { compareSse } from './compare-sse.js'
import { deepCompare } from './deep-compare.js'
import { toShape } from './to-shape.js'
import type { CompareRules, Difference, NormalisedBody, NormalisedResponse, SseEvent } from './diff-types.js'

/** `application/json` and `application/json; charset=UTF-8` are the same thing. */
export function normaliseContentType (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const [media, ...params] = value.toLowerCase().split(';').map((p) => p.trim())
  const kept = params.filter((p) => p !== '' && p !== 'charset=utf-8' && p !== 'charset="utf-8"')
  return [media, ...kept].join('; ')
}

export function compareHeaders (legacy: Record<string, string>, candidate: Record<string, string>, names: readonly string[]): Difference[] {
  const out: Difference[] = []
  for (const raw of names) {
    const name = raw.toLowerCase()
    const norm = name === 'content-type' ? normaliseContentType : (v: string | undefined) => v
    const l = norm(legacy[name])
    const c = norm(candidate[name])
    if (l !== c) out.push({ kind: 'header', path: `headers.${name}`, legacy: l, candidate: c })
  }
  return out
}

function eventsAsJson (events: readonly SseEvent[]): unknown[] {
  return events.map((e) => ({ event: e.event, data: e.json === undefined ? e.data : e.json }))
}

function compareValues (legacy: unknown, candidate: unknown, rules: CompareRules): Difference[] {
  if (rules.mode === 'shape') return classify(deepCompare(toShape(legacy), toShape(candidate)), { shape: true })
  const prepare = rules.arrayOrderInsensitive ? sortArraysDeep : (v: unknown) => v
  return classify(deepCompare(prepare(legacy), prepare(candidate), { numericTolerance: rules.numericTolerance }))
}

export function compareBodies (legacy: NormalisedBody, candidate: NormalisedBody, rules: CompareRules): Difference[] {
  if (legacy.kind !== candidate.kind) return [{ kind: 'type', path: '$', legacy: legacy.kind, candidate: candidate.kind }]
  switch (legacy.kind) {
    case 'empty':
      return []
    case 'binary': {
      const c = candidate as typeof legacy
      return legacy.sha256 === c.sha256
        ? []
        : [{ kind: 'changed', path: '$', legacy: { length: legacy.length, sha256: legacy.sha256 }, candidate: { length: c.length, sha256: c.sha256 } }]
    }
    case 'text': {
      const c = (candidate as typeof legacy).value
      // Shape mode frees values, and a text body is one value.
      return rules.mode === 'shape' || legacy.value === c ? [] : [{ kind: 'changed', path: '$', legacy: legacy.value, candidate: c }]
    }
    case 'json':
      return compareValues(legacy.value, (candidate as typeof legacy).value, rules)
    case 'sse': {
      const c = (candidate as typeof legacy).events
      if (rules.mode === 'sse') return compareSse(legacy.events, c)
      return compareValues(eventsAsJson(legacy.events), eventsAsJson(c), rules)
    }
  }
}

/** Stage 2: status, the selected headers, and the body under the feature's mode. */
export function compareResponses (legacy: NormalisedResponse, candidate: NormalisedResponse, rules: CompareRules): Difference[] {
  const out: Difference[] = []
  if (legacy.status !== candidate.status) out.push({ kind: 'status', path: 'status', legacy: legacy.status, candidate: candidate.status })
  out.push(...compareHeaders(legacy.headers, candidate.headers, rules.headers))
  out.push(...compareBodies(legacy.body, candidate.body, rules))
  return out
}
