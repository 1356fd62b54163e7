/** Load results as a table for people (the --json output carries the same figures). */
import { formatTable } from '../format-table.js'
import type { LoadResult } from './run-load.js'

export const mebibytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export function formatLoadResults (results: readonly LoadResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    r.requests,
    r.requestsPerSecond,
    `${r.latencyMs.p50}/${r.latencyMs.p99} ms`,
    `${r.errors} (${r.connectionErrors} conn, ${r.timeouts} timeouts, ${r.non2xx} non-2xx)`,
    Object.entries(r.servedBy).map(([by, n]) => `${by} ${n}`).join(', '),
    r.gateway.shadowsSent === 0 ? '-' : `${r.gateway.shadowsSent} sent, ${r.gateway.shadowsDropped} dropped; ${Object.entries(r.gateway.comparisons).map(([v, n]) => `${v} ${n}`).join(', ')}`,
    `${mebibytes(r.gateway.rssBeforeBytes)} -> ${mebibytes(r.gateway.rssAfterBytes)}`
  ])
  const first = results[0]
  const pace = first === undefined ? '' : `${first.durationSeconds} s per scenario, ${first.connections} connections${first.rate === null ? '' : `, ${first.rate} req/s`}, GET ${first.path}`
  return `load: ${pace}\n\n${formatTable(['SCENARIO', 'REQUESTS', 'REQ/S', 'P50/P99', 'ERRORS', 'SERVED BY', 'SHADOWS', 'GATEWAY RSS'], rows)}`
}
