/**
 * A shadow's two answers named by app, whichever side served: the served answer is the primary
 * (the reference the copy is compared with), and `legacy` / `candidate` stay legacy's and new's,
 * so the report's old and new figures mean the same in both directions.
 */
import type { ExchangeResult } from '../../analysis/diff/diff-types.js'
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
