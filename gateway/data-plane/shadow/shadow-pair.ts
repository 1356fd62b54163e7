/**
 * A shadow's two answers named by app, whichever side served: `primary` says which one served
 * the user, and `legacy` / `candidate` stay legacy's and new's, in the pair and in the
 * comparison. So the report's old and new figures, a difference's `legacy` and `candidate`
 * values and its kind (`missing`: in legacy's answer, not in new's) mean the same in both
 * directions, and a known difference accepted for shadows to new is known in the live stage too.
 */
import { compareExchange } from '../../analysis/diff/compare-exchange.js'
import type { CapturedResponse, ExchangeResult } from '../../analysis/diff/diff-types.js'
import type { CompareConfig } from '../../core/config/gateway-config.js'
import type { ComparedPair } from '../events.js'

export type ShadowPrimary = 'legacy' | 'new'

type Side = { status: number, latencyMs: number }

export function comparedPair (
  target: { feature: string, route: string, primary?: ShadowPrimary },
  served: Side,
  /** null when the copy gave no answer. */
  copy: Side | null,
  result: ExchangeResult
): ComparedPair {
  const { feature, route } = target
  return target.primary === 'new'
    ? { feature, route, primary: 'new', legacy: copy, candidate: served, result }
    : { feature, route, primary: 'legacy', legacy: served, candidate: copy, result }
}

/** The side a copy of `primary`'s traffic goes to, for messages. */
export function copySide (primary: ShadowPrimary | undefined): ShadowPrimary {
  return primary === 'new' ? 'legacy' : 'new'
}

/** The served answer and the copy, compared as legacy's and new's; `second`: legacy again, for noise. */
export function compareByApp (
  target: { compare: CompareConfig, primary?: ShadowPrimary },
  served: CapturedResponse,
  copy: CapturedResponse,
  second?: CapturedResponse
): ExchangeResult {
  return target.primary === 'new'
    ? compareExchange(copy, served, target.compare)
    : compareExchange(served, copy, target.compare, second)
}
