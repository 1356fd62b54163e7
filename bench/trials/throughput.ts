/**
 * The throughput trial: every setup at its maximum rate (closed loop), once per round, the rounds
 * interleaved so a neighbour's burst spoils one sample of each setup rather than one setup. For
 * each run: req/s, p50/p99, and the CPU the proxy's own processes spent per request.
 */
import { closedLoad } from '../load/closed-load.js'
import { cpuMs } from '../servers/cpu-time.js'
import type { Started } from '../servers/started.js'
import { addCounts, dropReasons, countsSince, settledShadowCounts, type ShadowCounts } from './shadow-counts.js'
import { median } from './stats.js'

export interface ThroughputSetup {
  name: string
  server: Started
  /** A gateway that shadows: its counters say how many shadows were compared. */
  shadows?: boolean
  runs: Array<{ rps: number, p50: number, p99: number, usPerRequest: number, errors: number }>
  counts?: ShadowCounts
}

export interface ThroughputOptions { path: string, seconds: number, rounds: number, connections: number, wrk: boolean }

export async function runThroughput (setups: ThroughputSetup[], o: ThroughputOptions): Promise<void> {
  // A short warm-up so JIT and connection pools are ready before the measured runs.
  for (const s of setups) await closedLoad(`${s.server.url}${o.path}`, 2, o.connections, o.wrk)
  for (let round = 0; round < o.rounds; round++) {
    for (const s of setups) {
      const pid = s.server.proc.pid as number
      const before = s.shadows === true ? await settledShadowCounts(s.server.url) : undefined
      const cpuBefore = cpuMs(pid)
      const r = await closedLoad(`${s.server.url}${o.path}`, o.seconds, o.connections, o.wrk)
      const cpu = cpuMs(pid) - cpuBefore
      s.runs.push({ rps: r.rps, p50: r.p50, p99: r.p99, usPerRequest: cpu * 1000 / r.requests, errors: r.errors })
      if (before !== undefined) {
        const since = countsSince(before, await settledShadowCounts(s.server.url))
        s.counts = addCounts(s.counts, since)
      }
    }
  }
}

export const medianRps = (s: ThroughputSetup | undefined): number => s === undefined ? NaN : median(s.runs.map((r) => r.rps))

export function throughputTable (setups: ThroughputSetup[]): string[] {
  const nginx = medianRps(setups.find((s) => s.name.startsWith('nginx proxy_pass')))
  const lines = [
    '| setup | req/s | runs | CPU µs / req | p50 ms | p99 ms | errors | / nginx |',
    '|---|---:|---|---:|---:|---:|---:|---:|'
  ]
  for (const s of setups) {
    const rps = medianRps(s)
    lines.push(`| ${s.name} | ${Math.round(rps)} | ${s.runs.map((r) => Math.round(r.rps)).join(' / ')} | ` +
      `${Math.round(median(s.runs.map((r) => r.usPerRequest)))} | ${median(s.runs.map((r) => r.p50)).toFixed(2)} | ` +
      `${median(s.runs.map((r) => r.p99)).toFixed(2)} | ${s.runs.reduce((n, r) => n + r.errors, 0)} | ${Number.isFinite(nginx) ? (rps / nginx).toFixed(2) : '-'} |`)
  }
  for (const s of setups.filter((x) => x.counts !== undefined)) {
    const c = s.counts as ShadowCounts
    lines.push(`${s.name}: ${c.sampled} sampled = ${c.compared} compared + ${c.dropped} dropped + ${c.errored} errored over its runs${c.dropped > 0 ? ` (dropped: ${dropReasons(c)})` : ''}`)
  }
  return lines
}
