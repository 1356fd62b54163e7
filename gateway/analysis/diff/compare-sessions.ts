/**
 * Session effects of a stateful shadow: legacy's session after its request against the session
 * the new service left after the shadow, under the feature's compare rules (ignore paths, mode;
 * `sse` compares sessions exactly). Every difference is of kind `session`, its path under
 * `session.` (`session.chat_history.2.ai`); `session` alone when one side has no session at all.
 */
import { sortArraysDeep } from './canonical-json.js'
import { classify } from './classify.js'
import { deepCompare } from './deep-compare.js'
import { parseIgnorePath, removeIgnoredPaths } from './ignore-paths.js'
import { collapseWhitespace } from './normalise.js'
import { toShape } from './to-shape.js'
import type { CompareRules, Difference, ExchangeResult } from './diff-types.js'

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

export function compareSessions (
  legacy: Record<string, unknown> | null,
  candidate: Record<string, unknown> | null,
  rules: CompareRules
): Difference[] {
  const patterns = rules.ignorePaths.map(parseIgnorePath)
  const prepare = (session: Record<string, unknown> | null): unknown => {
    if (session === null) return null
    const kept = removeIgnoredPaths(plain(session), patterns)
    const spaced = rules.whitespaceInsensitive ? collapseWhitespace(kept) : kept
    if (rules.mode === 'shape') return toShape(spaced)
    return rules.arrayOrderInsensitive ? sortArraysDeep(spaced) : spaced
  }
  const raw = deepCompare(prepare(legacy), prepare(candidate), { numericTolerance: rules.mode === 'shape' ? 0 : rules.numericTolerance })
  return classify(raw, { prefix: SESSION_PATH }).map((d) => ({ ...d, kind: 'session' }))
}

/** The response comparison with the session differences added; verdicts other than equal/different stay. */
export function withSessionDifferences (result: ExchangeResult, session: Difference[]): ExchangeResult {
  if (session.length === 0 || (result.verdict !== 'equal' && result.verdict !== 'different')) return result
  return { ...result, verdict: 'different', differences: [...result.differences, ...session] }
}
