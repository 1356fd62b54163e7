/**
 * A/B of the live path: the gateway (legacy-only route) from another checkout (A, the baseline:
 * `git archive <commit> | tar -x -C DIR`, with node_modules linked in) against this one (B), each
 * pinned alone on core 0, the same upstream, rounds interleaved A, B, A, B. Reports each side's
 * median req/s (wrk, closed loop) and CPU µs per request, and B / A.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/ab-live-path.ts --baseline DIR [--rounds 7] [--seconds 5] [--connections 50]
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { closedLoad, hasWrk } from './load/closed-load.js'
import { cpuMs } from './servers/cpu-time.js'
import { pinLayout } from './servers/pinning.js'
import { startServerProcess } from './servers/start.js'
import type { Started } from './servers/started.js'
import { median } from './trials/stats.js'

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' }
  }
})
if (values.baseline === undefined) throw new Error('--baseline DIR: a checkout of the baseline commit')
const layout = pinLayout(true)
const wrk = hasWrk()
const upstream = await startServerProcess('upstream')
const sides: Array<{ name: string, server: Started, rps: number[], us: number[] }> = []
try {
  for (const [name, serversDir] of [['A (baseline)', path.join(values.baseline, 'bench', 'servers')], ['B (this checkout)', undefined]] as const) {
    sides.push({ name, server: await startServerProcess('gateway', { env: { UPSTREAM: upstream.url }, cpus: layout.proxyCpus, serversDir }), rps: [], us: [] })
  }
  const url = (s: Started): string => `${s.url}/api/scenarios`
  for (const side of sides) await closedLoad(url(side.server), 3, Number(values.connections), wrk) // warm-up
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const side of sides) {
      const before = cpuMs(side.server.proc.pid as number)
      const r = await closedLoad(url(side.server), Number(values.seconds), Number(values.connections), wrk)
      side.rps.push(r.rps)
      side.us.push((cpuMs(side.server.proc.pid as number) - before) * 1000 / r.requests)
    }
  }
} finally {
  for (const side of sides) side.server.stop()
  upstream.stop()
}
console.log(`${layout.describe}; ${wrk ? 'wrk' : 'autocannon'}, ${values.connections} connections, ${values.rounds} interleaved rounds of ${values.seconds} s\n`)
console.log('| side | req/s (median) | runs | CPU µs / req (median) | runs |\n|---|---:|---|---:|---|')
for (const s of sides) console.log(`| ${s.name} | ${Math.round(median(s.rps))} | ${s.rps.map(Math.round).join(' / ')} | ${median(s.us).toFixed(1)} | ${s.us.map((u) => u.toFixed(1)).join(' / ')} |`)
const [a, b] = sides
console.log(`\nB / A: req/s ${(median(b.rps) / median(a.rps)).toFixed(3)}, CPU per request ${(median(b.us) / median(a.us)).toFixed(3)}`)
