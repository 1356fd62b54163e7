/**
 * Users' latency under an evenly paced load (load/paced-load.ts): each setup at the same rate,
 * once per round, rounds interleaved; the latencies of all rounds pooled per setup. A shadowing
 * gateway's counters over those runs give the coverage it kept.
 */
import { pacedLoad } from '../load/paced-load.js'
import type { Started } from '../servers/started.js'
import { addCounts, countsSince, dropReasons, settledShadowCounts, shadowCounts, type ShadowCounts } from './shadow-counts.js'
import { percentile } from './stats.js'

export interface PacedSetup {
  name: string
  server: Started
  shadows?: boolean
  latencies: number[]
  errors: number
  unanswered: number
  counts?: ShadowCounts
}

export interface PacedOptions { path: string, rate: number, seconds: number, rounds: number, connections: number, waitMs: number }

export const pacedSetup = (name: string, server: Started, shadows = false): PacedSetup =>
  ({ name, server, shadows, latencies: [], errors: 0, unanswered: 0 })

export async function runPaced (setups: PacedSetup[], o: PacedOptions): Promise<void> {
  // A warm-up at the same rate, so JIT and connection pools are ready before the measured runs.
  for (const s of setups) await pacedLoad(`${s.server.url}${o.path}`, o.rate, 2, o.connections, o.waitMs)
  for (let round = 0; round < o.rounds; round++) {
    for (const s of setups) {
      const before = s.shadows === true ? await shadowCounts(s.server.url) : undefined
      const r = await pacedLoad(`${s.server.url}${o.path}`, o.rate, o.seconds, o.connections, o.waitMs)
      s.latencies.push(...r.latencies)
      s.errors += r.errors
      s.unanswered += r.unanswered
      if (before !== undefined) s.counts = addCounts(s.counts, countsSince(before, await settledShadowCounts(s.server.url, 2_000)))
    }
  }
}

export const p95 = (s: PacedSetup): number => percentile(s.latencies, 0.95)

export function pacedTable (setups: PacedSetup[]): string[] {
  const lines = ['| setup | responses | errors | unanswered | p50 ms | p95 ms | p99 ms | shadows sampled / compared / dropped / errored |', '|---|---:|---:|---:|---:|---:|---:|---|']
  for (const s of setups) {
    const c = s.counts
    lines.push(`| ${s.name} | ${s.latencies.length - s.unanswered} | ${s.errors} | ${s.unanswered} | ${percentile(s.latencies, 0.5).toFixed(1)} | ` +
      `${p95(s).toFixed(1)} | ${percentile(s.latencies, 0.99).toFixed(1)} | ${c === undefined ? '' : `${c.sampled} / ${c.compared} / ${c.dropped} / ${c.errored}${c.dropped > 0 ? ` (dropped: ${dropReasons(c)})` : ''}`} |`)
  }
  return lines
}
