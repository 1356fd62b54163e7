/**
 * Session effects of a stateful shadow: legacy's session after its request against the session
 * the new service left after the shadow, under the feature's compare rules (ignore paths, mode;
 * `sse` compares sessions exactly) and, per key path, `compare.session.keys`: `exact` for a
 * stored setting even in shape mode, `shape` for generated text even in exact mode, `ignore`
 * for tokens and times. The deepest rule that names a node decides for it and what is under it
 * (under `shape` an array is one item shape, so no rule reaches inside it). Every difference is
 * of kind `session`, its path under `session.` (`session.chat_history.2.ai`); `session` alone
 * when one side has no session at all.
 */
import { sortArraysDeep } from './canonical-json.js'
import { classify } from './classify.js'
import { deepCompare } from './deep-compare.js'
import { parseIgnorePath, removeIgnoredPaths, segmentMatches, type IgnorePattern } from './ignore-paths.js'
import { collapseWhitespace } from './normalise.js'
import { toShape } from './to-shape.js'
import type { CompareRules, Difference, ExchangeResult, SessionKeyRule } from './diff-types.js'

export const SESSION_PATH = 'session'

/** Python values JSON cannot hold (bytes, big ints, whole floats) as plain JSON values. */
function plain (value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Buffer.isBuffer(value)) return { bytes: value.toString('base64') }
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(plain)
  const prototype = Object.getPrototypeOf(value) as unknown
  if (prototype !== Object.prototype && prototype !== null) return Number(value)
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = plain(item)
  return out
}

type Treatment = 'exact' | 'shape'
interface RuleState { pattern: IgnorePattern, at: number, rule: Treatment }

/** The rule states for a child, and the rule that names the child itself (the last listed wins). */
function step (states: readonly RuleState[], key: string, inArray: boolean): { next: RuleState[], rule: Treatment | undefined } {
  const next: RuleState[] = []
  let rule: Treatment | undefined
  const push = (state: RuleState, at: number): void => {
    if (at === state.pattern.length) rule = state.rule
    else next.push({ ...state, at })
    if (state.pattern[at] === '**') push(state, at + 1)
  }
  for (const state of states) {
    const segment = state.pattern[state.at]
    if (segment === '**') push(state, state.at)
    else if (segmentMatches(segment, key, inArray)) push(state, state.at + 1)
  }
  return { next, rule }
}

/** Each node as its treatment says: its shape, or itself; rules still live below go on down. */
function treat (value: unknown, states: readonly RuleState[], treatment: Treatment): unknown {
  if (value === null || typeof value !== 'object' || states.length === 0) return treatment === 'shape' ? toShape(value) : value
  if (Array.isArray(value)) {
    if (treatment === 'shape') return toShape(value)
    return value.map((item, index) => {
      const { next, rule } = step(states, String(index), true)
      return treat(item, next, rule ?? treatment)
    })
  }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const { next, rule } = step(states, key, false)
    out[key] = treat(item, next, rule ?? treatment)
  }
  return out
}

export function compareSessions (
  legacy: Record<string, unknown> | null,
  candidate: Record<string, unknown> | null,
  rules: CompareRules,
  keys: Readonly<Record<string, SessionKeyRule>> = {}
): Difference[] {
  const entries = Object.entries(keys)
  const patterns = [...rules.ignorePaths, ...entries.filter(([, rule]) => rule === 'ignore').map(([path]) => path)].map(parseIgnorePath)
  const states: RuleState[] = []
  for (const [path, rule] of entries) {
    if (rule === 'ignore') continue
    const pattern = parseIgnorePath(path)
    states.push({ pattern, at: 0, rule })
    if (pattern[0] === '**') states.push({ pattern, at: 1, rule })
  }
  const base: Treatment = rules.mode === 'shape' ? 'shape' : 'exact'
  const prepare = (session: Record<string, unknown> | null): unknown => {
    if (session === null) return null
    const kept = removeIgnoredPaths(plain(session), patterns)
    const spaced = rules.whitespaceInsensitive ? collapseWhitespace(kept) : kept
    const treated = treat(spaced, states, base)
    return rules.arrayOrderInsensitive ? sortArraysDeep(treated) : treated
  }
  // Exact parts keep the numeric tolerance; a shape has no numbers left to compare.
  const raw = deepCompare(prepare(legacy), prepare(candidate), { numericTolerance: rules.numericTolerance })
  return classify(raw, { prefix: SESSION_PATH }).map((d) => ({ ...d, kind: 'session' }))
}

/** The response comparison with the session differences added; verdicts other than equal/different stay. */
export function withSessionDifferences (result: ExchangeResult, session: Difference[]): ExchangeResult {
  if (session.length === 0 || (result.verdict !== 'equal' && result.verdict !== 'different')) return result
  return { ...result, verdict: 'different', differences: [...result.differences, ...session] }
}
