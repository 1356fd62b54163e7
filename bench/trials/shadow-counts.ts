/** A gateway's own shadow counters from its /metrics, summed over features. */
import { parseExposition } from '../../gateway/core/parse-exposition.js'

export interface ShadowCounts {
  sampled: number
  compared: number
  dropped: number
  errored: number
  /** Dropped, by reason. */
  droppedBy: Record<string, number>
}

export async function shadowCounts (gatewayUrl: string): Promise<ShadowCounts> {
  const families = parseExposition(await (await fetch(`${gatewayUrl}/metrics`)).text())
  const sum = (name: string): number => (families.get(name)?.samples ?? []).reduce((n, s) => n + s.value, 0)
  const droppedBy: Record<string, number> = {}
  for (const sample of families.get('app_shadow_requests_dropped_total')?.samples ?? []) {
    const reason = sample.labels.reason ?? 'unknown'
    droppedBy[reason] = (droppedBy[reason] ?? 0) + sample.value
  }
  return {
    droppedBy,
    sampled: sum('app_shadow_requests_sampled_total'),
    compared: sum('app_shadow_requests_compared_total'),
    dropped: sum('app_shadow_requests_dropped_total'),
    errored: sum('app_shadow_requests_errored_total')
  }
}

/**
 * The counters once the shadows still queued or running have ended (no change for 300 ms), or
 * as they are after `maxWaitMs` (shadows on a slow target may take its whole timeout).
 */
export async function settledShadowCounts (gatewayUrl: string, maxWaitMs = 30_000): Promise<ShadowCounts> {
  const until = Date.now() + maxWaitMs
  let last = await shadowCounts(gatewayUrl)
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    const now = await shadowCounts(gatewayUrl)
    if (Date.now() > until || (now.sampled === last.sampled && now.compared === last.compared && now.dropped === last.dropped && now.errored === last.errored)) return now
    last = now
  }
}

const reasons = (a: Record<string, number>, b: Record<string, number>, sign: number): Record<string, number> => {
  const out = { ...a }
  for (const [reason, n] of Object.entries(b)) out[reason] = (out[reason] ?? 0) + sign * n
  return out
}

/** `after - before`, field by field. */
export function countsSince (before: ShadowCounts, after: ShadowCounts): ShadowCounts {
  return {
    droppedBy: reasons(after.droppedBy, before.droppedBy, -1),
    sampled: after.sampled - before.sampled,
    compared: after.compared - before.compared,
    dropped: after.dropped - before.dropped,
    errored: after.errored - before.errored
  }
}

/** The sum of two counts; `a` may be absent (the first run). */
export function addCounts (a: ShadowCounts | undefined, b: ShadowCounts): ShadowCounts {
  if (a === undefined) return b
  return { droppedBy: reasons(a.droppedBy, b.droppedBy, 1), sampled: a.sampled + b.sampled, compared: a.compared + b.compared, dropped: a.dropped + b.dropped, errored: a.errored + b.errored }
}

export const coverage = (c: ShadowCounts): number => c.sampled === 0 ? NaN : c.compared / c.sampled

/** `12 budget_full, 3 memory`: the dropped ones by reason, those that happened. */
export const dropReasons = (c: ShadowCounts): string =>
  Object.entries(c.droppedBy).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`).join(', ')
