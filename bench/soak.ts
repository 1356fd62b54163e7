/**
 * The soak: a steady rate through the gateway with shadow at 100% (legacy stand-in serving, new
 * services mirrored and compared) for five minutes, reading the gateway's RSS from its /metrics at
 * the start, every 30 s and at the end, and counting errors. A bench script, not a test: it
 * prints figures and exits 1 only when requests failed.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/soak.ts [--seconds 300] [--rate 50] [--connections 10]
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { mebibytes } from '../gateway/tooling/load/format-load.js'
import { startBackends } from '../gateway/tooling/load/load-stack.js'
import { runLoadScenario } from '../gateway/tooling/load/run-load.js'
import { scenarioByName } from '../gateway/tooling/load/scenarios.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    rate: { type: 'string', default: '50' },
    connections: { type: 'string', default: '10' }
  }
})
const durationSeconds = Number(values.seconds)
const rate = Number(values.rate)
const connections = Number(values.connections)
const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ')

const scenario = scenarioByName('shadow-100')
if (scenario === undefined) throw new Error('no shadow-100 scenario')
process.stdout.write(`soak: ${durationSeconds} s at ${rate} req/s, ${connections} connections, ${scenario.describe}\n`)
process.stdout.write(`load average at start: ${load()}\n`)
const backends = await startBackends()
try {
  const result = await runLoadScenario(backends, scenario, {
    durationSeconds,
    connections,
    rate,
    progress: process.stderr,
    rssSamples: { everyMs: 30_000, onSample: (s, rss) => { process.stdout.write(`  t=${s} s  gateway RSS ${mebibytes(rss)}  load average ${load()}\n`) } }
  })
  const g = result.gateway
  process.stdout.write([
    `requests: ${result.requests} (${result.requestsPerSecond} req/s), latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms`,
    `errors: ${result.errors} (${result.connectionErrors} connection errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx)`,
    `shadows: ${g.shadowsSent} sent, ${g.shadowsDropped} dropped; comparisons ${JSON.stringify(g.comparisons)}`,
    `gateway RSS: start ${mebibytes(g.rssBeforeBytes)} (${g.rssBeforeBytes} B), end ${mebibytes(g.rssAfterBytes)} (${g.rssAfterBytes} B)`,
    `load average at end: ${load()}`
  ].join('\n') + '\n')
  process.exitCode = result.errors > 0 ? 1 : 0
} finally {
  await backends.close()
}
