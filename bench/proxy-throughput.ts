/**
 * `npm run bench`: the gateway against its baselines, every figure of issue 17's goals in one run.
 *
 * Layout: each proxy under test alone on core 0, the load generator (wrk, else autocannon) and
 * the upstreams on the other cores (servers/pinning.ts; the output says when that is not possible).
 *
 * 1. Throughput (trials/throughput.ts): direct to the upstream, the bare node:http + undici
 *    proxy (servers/bare-proxy.ts, the reference), the gateway on a legacy-only route (flag,
 *    canary, metrics), the gateway with shadow 100% + diff + memory record, fastify +
 *    @fastify/http-proxy, nginx proxy_pass and nginx `mirror` (1 worker each): req/s, CPU µs per
 *    request of the proxy's own processes, p50/p99; medians of interleaved rounds.
 * 2. Shadow protection: a shadow target 10 s slow; users' p95 through the gateway and through
 *    nginx `mirror`, each against itself without a shadow, at half the gateway's maximum rate.
 * 3. Users' p95 at half the shadow-off maximum rate, shadow 100% asked vs off, with the coverage kept.
 * 4. Memory: legacy answering 256 KB, a 10 s slow shadow target, 100 req/s for 15 s: peak RSS over idle.
 * Then the goals table. Prints figures; asserts nothing.
 *
 *   npm run bench [-- --quick] [--trials throughput,protect,latency,memory] [--seconds 8] [--rounds 3]
 *     [--paced-seconds 5] [--paced-rounds 3] [--connections 50] [--protect-ratio 1.1] [--protect-ms 0] [--autocannon] [--no-pin]
 */
import { parseArgs } from 'node:util'
import { closedLoad, hasWrk } from './load/closed-load.js'
import { freePort, hasNginx } from './servers/machine.js'
import { pinLayout } from './servers/pinning.js'
import { startNginx, startServerProcess } from './servers/start.js'
import type { Started } from './servers/started.js'
import { printGoals, type Figures } from './trials/goals.js'
import { runMemoryTrial } from './trials/memory.js'
import { pacedSetup, pacedTable, p95, runPaced } from './trials/paced-rounds.js'
import { coverage, dropReasons } from './trials/shadow-counts.js'
import { medianRps, runThroughput, throughputTable, type ThroughputSetup } from './trials/throughput.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    trials: { type: 'string', default: 'throughput,protect,latency,memory' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    'paced-seconds': { type: 'string' },
    'paced-rounds': { type: 'string' },
    connections: { type: 'string', default: '50' },
    'protect-ms': { type: 'string', default: '0' },
    'protect-ratio': { type: 'string', default: '1.1' },
    autocannon: { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false }
  }
})
const quick = values.quick
const seconds = Number(values.seconds ?? (quick ? 3 : 8))
const rounds = Number(values.rounds ?? (quick ? 1 : 3))
const pacedSeconds = Number(values['paced-seconds'] ?? (quick ? 3 : 5))
const pacedRounds = Number(values['paced-rounds'] ?? (quick ? 1 : 3))
const connections = Number(values.connections)
const trials = new Set(values.trials.split(','))
const PATH = '/api/scenarios'
const SLOW_SHADOW_MS = 10_000
const MEMORY = { bodyBytes: 256 * 1024, rate: 100, seconds: quick ? 5 : 15 }

const layout = pinLayout(!values['no-pin'])
const wrk = !values.autocannon && hasWrk()
const nginx = hasNginx()
const command = process.env.npm_lifecycle_event === 'bench'
  ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
  : `node --conditions=strangler-gateway-source --import tsx bench/proxy-throughput.ts ${process.argv.slice(2).join(' ')}`.trim()
console.log(`${command}\n${layout.describe}\nload generator: ${wrk ? `wrk -t1 -c${connections}` : `autocannon, ${connections} connections${values.autocannon ? '' : ' (wrk is not installed)'}`}; ` +
  `nginx: ${nginx ? '1 worker' : 'NOT INSTALLED (apt-get install nginx-light): its rows are missing'}\n`)

const started: Started[] = []
const figures: Figures = {}
const proxy = async (name: string, env: Record<string, string> = {}): Promise<Started> => {
  const s = await startServerProcess(name, { env, cpus: layout.proxyCpus })
  started.push(s)
  return s
}
const upstreamProcess = async (env: Record<string, string> = {}): Promise<Started> => {
  const s = await startServerProcess('upstream', { env })
  started.push(s)
  return s
}
const nginxProxy = async (upstream: Started, mirror?: Started): Promise<Started | undefined> => {
  if (!nginx) return undefined
  const s = await startNginx(upstream.port, await freePort(), mirror?.port, layout.proxyCpus)
  started.push(s)
  return s
}
try {
  const legacy = await upstreamProcess()
  const candidate = await upstreamProcess()
  const upstreams = { UPSTREAM: legacy.url, NEW_UPSTREAM: candidate.url }
  const gateway = await proxy('gateway', upstreams)
  let maxRate = NaN

  if (trials.has('throughput')) {
    const setups: ThroughputSetup[] = []
    const add = (name: string, server: Started | undefined, shadows = false): void => {
      if (server !== undefined) setups.push({ name, server, shadows, runs: [] })
    }
    add('direct to upstream (no proxy; the upstream\'s CPU)', legacy)
    add('bare node:http + undici Pool proxy', await proxy('bare-proxy', { UPSTREAM: legacy.url }))
    add('gateway, legacy-only route (flag, canary, metrics)', gateway)
    add('gateway, shadow 100% + diff + memory record', await proxy('gateway', { ...upstreams, SHADOW_SAMPLE: '100' }), true)
    add('fastify + @fastify/http-proxy', await proxy('http-proxy', { UPSTREAM: legacy.url }))
    add('nginx proxy_pass (1 worker)', await nginxProxy(legacy))
    add('nginx mirror (1 worker)', await nginxProxy(legacy, candidate))
    await runThroughput(setups, { path: PATH, seconds, rounds, connections, wrk })
    console.log(`throughput: ${connections} connections, 357-byte JSON, median of ${rounds} interleaved runs of ${seconds} s\n`)
    console.log(`${throughputTable(setups).join('\n')}\n`)
    const rps = (prefix: string): number => medianRps(setups.find((s) => s.name.startsWith(prefix)))
    maxRate = rps('gateway, legacy')
    figures.gatewayOverBare = maxRate / rps('bare')
    figures.gatewayOverNginx = maxRate / rps('nginx proxy_pass')
    figures.shadowOverMirror = rps('gateway, shadow') / rps('nginx mirror')
  }
  if (!Number.isFinite(maxRate)) maxRate = (await closedLoad(`${gateway.url}${PATH}`, 3, connections, wrk)).rps
  const halfRate = Math.round(maxRate / 2)
  figures.halfRate = halfRate
  const paced = { path: PATH, rate: halfRate, seconds: pacedSeconds, rounds: pacedRounds, connections, waitMs: SLOW_SHADOW_MS + 5_000 }
  const protect = { PROTECT_LOOP_MS: values['protect-ms'], PROTECT_P95_RATIO: values['protect-ratio'] }
  const protectLabel = `protect.p95Ratio ${values['protect-ratio']}${values['protect-ms'] === '0' ? '' : `, eventLoopDelayMs ${values['protect-ms']}`}`

  if (trials.has('protect')) {
    const slow = await upstreamProcess({ DELAY_MS: String(SLOW_SHADOW_MS) })
    const setups = [
      pacedSetup('gateway, no shadow', gateway),
      pacedSetup(`gateway, shadow 100% to a 10 s slow target (${protectLabel})`, await proxy('gateway', { ...upstreams, ...protect, NEW_UPSTREAM: slow.url, SHADOW_SAMPLE: '100' }), true)
    ]
    const plain = await nginxProxy(legacy)
    const mirror = await nginxProxy(legacy, slow)
    if (plain !== undefined && mirror !== undefined) setups.push(pacedSetup('nginx proxy_pass', plain), pacedSetup('nginx mirror to a 10 s slow target', mirror))
    await runPaced(setups, paced)
    console.log(`shadow protection: ${halfRate} req/s evenly paced (half the gateway's maximum), ${pacedRounds} interleaved runs of ${pacedSeconds} s; ` +
      `answers still missing ${paced.waitMs / 1000} s after the last request count with their latency so far (a lower bound)\n`)
    console.log(`${pacedTable(setups).join('\n')}\n`)
    figures.slowShadowP95 = p95(setups[1]) / p95(setups[0])
    if (setups.length === 4) figures.mirrorSlowP95 = p95(setups[3]) / p95(setups[2])
  }

  if (trials.has('latency')) {
    const setups = [
      pacedSetup('gateway, shadow off', gateway),
      pacedSetup(`gateway, shadow 100% asked (${protectLabel})`, await proxy('gateway', { ...upstreams, ...protect, SHADOW_SAMPLE: '100' }), true)
    ]
    await runPaced(setups, paced)
    console.log(`users' latency, shadow asked vs off: ${halfRate} req/s evenly paced (half the shadow-off maximum), ${pacedRounds} interleaved runs of ${pacedSeconds} s\n`)
    console.log(`${pacedTable(setups).join('\n')}\n`)
    figures.shadowOnOffP95 = p95(setups[1]) / p95(setups[0])
    figures.coverage = setups[1].counts === undefined ? NaN : coverage(setups[1].counts)
  }

  if (trials.has('memory')) {
    const big = await upstreamProcess({ BODY_BYTES: String(MEMORY.bodyBytes) })
    const slow = await upstreamProcess({ DELAY_MS: String(SLOW_SHADOW_MS) })
    const memoryGateway = await proxy('gateway', { UPSTREAM: big.url, NEW_UPSTREAM: slow.url, SHADOW_SAMPLE: '100' })
    const m = await runMemoryTrial(memoryGateway, PATH, MEMORY.rate, MEMORY.seconds, connections)
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1)
    console.log(`memory: legacy answering ${MEMORY.bodyBytes / 1024} KB, shadow 100% to a 10 s slow target, ${MEMORY.rate} req/s for ${MEMORY.seconds} s: ` +
      `RSS idle ${mb(m.idleBytes)} MB, peak ${mb(m.peakBytes)} MB, peak over idle ${mb(m.peakBytes - m.idleBytes)} MB; ${m.responses} responses, ${m.errors} errors; ` +
      `shadows ${m.counts.sampled} sampled, ${m.counts.compared} compared, ${m.counts.dropped} dropped (${dropReasons(m.counts)}), ${m.counts.errored} errored (the rest still pending)\n`)
    figures.rssOverIdleMb = (m.peakBytes - m.idleBytes) / 1024 / 1024
  }
} finally {
  for (const s of started) s.stop()
}
printGoals(figures, command)
