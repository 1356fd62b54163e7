/**
 * The shadow ledger: every sampled shadow ends exactly once, as compared, dropped or errored,
 * and until then it is pending, so sampled = compared + dropped + errored + pending per feature.
 * The counts are published as the `shadow-sampled` and `shadow-ended` events (events.ts) and
 * kept here for `ShadowRunner.counts()`.
 */
import type { FastifyInstance } from 'fastify'
import { publish, type DropReason, type ShadowOutcome } from '../events.js'

/** Per feature, since the runner started: sampled = compared + dropped + errored + pending. */
export interface ShadowCounts {
  sampled: number
  compared: number
  dropped: number
  errored: number
  pending: number
}

export interface ShadowLedger {
  sampled: (target: { feature: string }) => void
  /** The one end of a sampled shadow. */
  ended: (feature: string, outcome: ShadowOutcome, reason?: DropReason) => void
  counts: () => Record<string, ShadowCounts>
}

export function createShadowLedger (gateway: FastifyInstance): ShadowLedger {
  const ledger = new Map<string, ShadowCounts>()
  const countsOf = (feature: string): ShadowCounts => {
    let counts = ledger.get(feature)
    if (counts === undefined) ledger.set(feature, counts = { sampled: 0, compared: 0, dropped: 0, errored: 0, pending: 0 })
    return counts
  }
  return {
    sampled (target) {
      const counts = countsOf(target.feature)
      counts.sampled++
      counts.pending++
      publish('shadow-sampled', { gateway, feature: target.feature })
    },
    ended (feature, outcome, reason) {
      const counts = countsOf(feature)
      counts[outcome]++
      counts.pending--
      publish('shadow-ended', { gateway, feature, outcome, reason })
    },
    counts: () => Object.fromEntries([...ledger].map(([feature, c]) => [feature, { ...c }]))
  }
}

/** One accepted shadow's outcome: decided once, by the exchange or by shutdown, never both. */
export class RunOutcome {
  #state: 'running' | 'decided' | 'abandoned' = 'running'
  get abandoned (): boolean { return this.#state === 'abandoned' }
  /** The exchange's outcome is final from here; false when shutdown already counted it. */
  decide (): boolean {
    if (this.#state !== 'running') return false
    this.#state = 'decided'
    return true
  }

  /** Shutdown (or the byte budget) counts it; false when the exchange had already decided. */
  abandon (): boolean {
    if (this.#state !== 'running') return false
    this.#state = 'abandoned'
    return true
  }
}
