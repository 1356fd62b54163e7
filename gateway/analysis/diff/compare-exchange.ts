import { BodyNotDecodable, BodyTooLargeToCompare } from './decode-body.js'
import { compareHeaders, compareResponses } from './compare.js'
import { normalise, normaliseHeaders } from './normalise.js'
import type { NormaliseOptions } from './normalise.js'
import { subtractNoise } from './subtract-noise.js'
import type { CapturedResponse, CompareRules, Difference, ExchangeResult, NormalisedResponse } from './diff-types.js'

function normaliseSide (side: string, response: CapturedResponse, rules: CompareRules, options: NormaliseOptions): NormalisedResponse {
  try {
    return normalise(response, rules, options)
  } catch (err) {
    if (err instanceof Error) err.message = `${side} ${err.message}`
    throw err
  }
}

/** A second legacy answer that cannot be read gives no noise; it never spoils the comparison. */
function noiseBetween (legacy: NormalisedResponse, second: CapturedResponse, rules: CompareRules, options: NormaliseOptions): Difference[] {
  try {
    return compareResponses(legacy, normalise(second, rules, options), rules)
  } catch {
    return []
  }
}

function header (response: CapturedResponse, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Most shadowed exchanges are byte-identical: same status, same encoding, same bytes and the
 * same compared headers can only normalise to the same thing, so parsing and diffing is skipped.
 */
function identical (legacy: CapturedResponse, candidate: CapturedResponse, rules: CompareRules): boolean {
  return legacy.status === candidate.status &&
    header(legacy, 'content-encoding') === header(candidate, 'content-encoding') &&
    legacy.body.equals(candidate.body) &&
    compareHeaders(normaliseHeaders(legacy.headers), normaliseHeaders(candidate.headers), rules.headers).length === 0
}

/**
 * The whole engine for one exchange: normalise both sides, compare, and when a second legacy
 * answer is given, drop the differences legacy has with itself. Never throws: a body over a cap
 * is `too_large`, an undecodable body or an engine fault is `error` with a `reason`.
 */
export function compareExchange (
  legacy: CapturedResponse,
  candidate: CapturedResponse,
  rules: CompareRules,
  legacySecond?: CapturedResponse,
  options: NormaliseOptions = {}
): ExchangeResult {
  if (legacy.truncated || candidate.truncated) {
    const side = legacy.truncated ? 'legacy' : 'candidate'
    return { verdict: 'too_large', differences: [], noiseDropped: 0, reason: `${side} body exceeded the capture cap` }
  }
  try {
    if (identical(legacy, candidate, rules)) return { verdict: 'equal', differences: [], noiseDropped: 0 }
    const l = normaliseSide('legacy', legacy, rules, options)
    const c = normaliseSide('candidate', candidate, rules, options)
    const found = compareResponses(l, c, rules)
    let differences = found
    let noiseDropped = 0
    if (legacySecond !== undefined && !legacySecond.truncated && found.length > 0) {
      const noise = noiseBetween(l, legacySecond, rules, options)
      const subtracted = subtractNoise(found, noise)
      differences = subtracted.kept
      noiseDropped = subtracted.dropped
    }
    return { verdict: differences.length === 0 ? 'equal' : 'different', differences, noiseDropped }
  } catch (err) {
    if (err instanceof BodyTooLargeToCompare) return { verdict: 'too_large', differences: [], noiseDropped: 0, reason: err.message }
    const reason = err instanceof BodyNotDecodable ? err.message : `comparison failed: ${(err as Error).message}`
    return { verdict: 'error', differences: [], noiseDropped: 0, reason }
  }
}
