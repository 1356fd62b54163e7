/**
 * Throughput of the gateway against its baselines, measured in one run on this machine:
 * direct to the upstream, the gateway on a legacy-only route (flag, canary and shadow sampling
 * evaluated), plain fastify + @fastify/http-proxy, and nginx (one worker) as a reverse proxy.
 *
 * With --shadow: the gateway with shadow at 100% (diff + record in memory, and in Redis when one
 * answers at --redis), against nginx's `mirror`; how many shadows were really compared (a full
 * shadow budget drops shadows rather than slow users); and the users' latency at half the
 * gateway's maximum rate with shadow off and on (an evenly paced open-loop load, bench/paced-load.ts).
 *
 * Every setup runs once per round, the rounds interleaved, and the median is reported: a
 * neighbour's burst on a shared machine then spoils one sample of each setup, not one setup.
 * Prints figures and ratios; it asserts nothing.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/proxy-throughput.ts [--seconds 4] [--rounds 5] [--connections 50] [--shadow] [--redis redis://127.0.0.1:6379]
 */
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { parseExposition } from '../gateway/core/parse-exposition.js'
import { pacedLoad } from './paced-load.js'
import { deleteKeys, freePort, hasNginx, reachableRedis } from './servers/machine.js'
import { startNginx, startServerProcess } from './servers/start.js'
import type { Started } from './servers/started.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    shadow: { type: 'boolean', default: false },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' }
  }
})
const duration = Number(values.seconds)
const rounds = Number(values.rounds)
const connections = Number(values.connections)
const PATH = '/api/scenarios'

interface Setup {
  name: string
  url: string
  /** A shadowing gateway: its /metrics says how many shadows were compared. */
  shadowGateway?: string
  runs: Array<{ rps: number, p50: number, p99: number, errors: number, requests: number }>
  compared: number
  dropped: number
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const round1 = (n: number): number => Math.round(n * 10) / 10

/** The gateway's own shadow counters, summed over features. */
async function shadowCounts (gatewayUrl: string): Promise<{ compared: number, dropped: number }> {
  const families = parseExposition(await (await fetch(`${gatewayUrl}/metrics`)).text())
  const sum = (name: string): number => (families.get(name)?.samples ?? []).reduce((n, s) => n + s.value, 0)
  return { compared: sum('app_shadow_comparisons_total'), dropped: sum('app_shadow_requests_dropped_total') }
}

/** The counters once the shadows still queued or running have finished (no change for 300 ms). */
async function settledShadowCounts (gatewayUrl: string): Promise<{ compared: number, dropped: number }> {
  let last = await shadowCounts(gatewayUrl)
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    const now = await shadowCounts(gatewayUrl)
    if (now.compared === last.compared && now.dropped === last.dropped) return now
    last = now
  }
}

async function run (setup: Setup): Promise<void> {
  const before = setup.shadowGateway === undefined ? null : await settledShadowCounts(setup.shadowGateway)
  const r = await autocannon({ url: setup.url, connections, duration })
  setup.runs.push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, requests: r.requests.total })
  if (before !== null && setup.shadowGateway !== undefined) {
    const after = await settledShadowCounts(setup.shadowGateway)
    setup.compared += after.compared - before.compared
    setup.dropped += after.dropped - before.dropped
  }
}

function percentile (sorted: number[], q: number): number {
  return round1(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN)
}

const started: Started[] = []
const setups: Setup[] = []
const latencyLines: string[] = []
const redis = values.shadow ? await reachableRedis(values.redis) : null
const redisPrefix = `strangler-bench-${process.pid}:`
const add = (name: string, server: Started, shadow = false): void => {
  setups.push({ name, url: `${server.url}${PATH}`, shadowGateway: shadow ? server.url : undefined, runs: [], compared: 0, dropped: 0 })
}
try {
  const upstream = await startServerProcess('upstream')
  const candidate = await startServerProcess('upstream')
  started.push(upstream, candidate)
  const upstreams = { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url }
  const gateway = await startServerProcess('gateway', upstreams)
  const httpProxy = await startServerProcess('http-proxy', { UPSTREAM: upstream.url })
  started.push(gateway, httpProxy)
  add('direct to upstream', upstream)
  add('gateway, legacy-only route', gateway)
  add('fastify + @fastify/http-proxy', httpProxy)
  if (hasNginx()) {
    const nginx = await startNginx(upstream.port, await freePort())
    started.push(nginx)
    add('nginx proxy_pass (1 worker)', nginx)
  }
  let shadowGateway: Started | undefined
  if (values.shadow) {
    shadowGateway = await startServerProcess('gateway', { ...upstreams, SHADOW_SAMPLE: '100' })
    started.push(shadowGateway)
    add('gateway, shadow 100% + diff + memory record', shadowGateway, true)
    if (redis !== null) {
      const redisGateway = await startServerProcess('gateway', { ...upstreams, SHADOW_SAMPLE: '100', REDIS_URL: values.redis, DIFF_PREFIX: redisPrefix })
      started.push(redisGateway)
      add('gateway, shadow 100% + diff + Redis record', redisGateway, true)
    }
    if (hasNginx()) {
      const mirror = await startNginx(upstream.port, await freePort(), candidate.port)
      started.push(mirror)
      add('nginx mirror (1 worker)', mirror)
    }
  }

  // A short warm-up so JIT and connection pools are ready before the measured runs.
  for (const setup of setups) await autocannon({ url: setup.url, connections, duration: 2 })
  for (let i = 0; i < rounds; i++) {
    for (const setup of setups) await run(setup)
  }

  if (shadowGateway !== undefined) {
    const plain = setups[1]
    const shadowed = setups.find((s) => s.shadowGateway === shadowGateway?.url)
    // Half of each one's maximum: the shadow-off gateway's (the goal's rate), and the shadowing
    // gateway's own, which is lower since every request costs it two upstream calls and a diff.
    const rates = [plain, shadowed].map((s) => Math.round(median(s?.runs.map((r) => r.rps) ?? []) / 2))
    latencyLines.push(
      `users' latency at an evenly paced rate, ${rounds} x ${duration} s each, off and on interleaved:`,
      '| rate | shadow | responses | errors | p50 ms | p95 ms | p99 ms | p95 on / off |',
      '|---|---|---|---|---|---|---|---|'
    )
    for (const [i, rate] of rates.entries()) {
      const off: number[] = []
      const on: number[] = []
      const errors = { off: 0, on: 0 }
      for (let round = 0; round < rounds; round++) {
        const a = await pacedLoad(plain.url, rate, duration, connections)
        const b = await pacedLoad(`${shadowGateway.url}${PATH}`, rate, duration, connections)
        off.push(...a.latencies)
        on.push(...b.latencies)
        errors.off += a.errors
        errors.on += b.errors
      }
      off.sort((a, b) => a - b)
      on.sort((a, b) => a - b)
      const label = `${rate} req/s (half the ${i === 0 ? 'shadow-off' : 'shadowing'} gateway's maximum)`
      const ratio = (percentile(on, 0.95) / percentile(off, 0.95)).toFixed(2)
      latencyLines.push(
        `| ${label} | off | ${off.length} | ${errors.off} | ${percentile(off, 0.5)} | ${percentile(off, 0.95)} | ${percentile(off, 0.99)} | |`,
        `| ${label} | on, 100% | ${on.length} | ${errors.on} | ${percentile(on, 0.5)} | ${percentile(on, 0.95)} | ${percentile(on, 0.99)} | ${ratio}x (goal <= 1.1x) |`
      )
    }
  }
} finally {
  for (const s of started) s.stop()
  if (redis !== null) {
    await deleteKeys(redis, redisPrefix)
    redis.disconnect()
  }
}

const rps = (name: string): number | undefined => {
  const setup = setups.find((s) => s.name.startsWith(name))
  return setup === undefined ? undefined : median(setup.runs.map((r) => r.rps))
}
const peer = rps('fastify')
const direct = rps('direct')
console.log(`\n${connections} connections, 357-byte JSON, median of ${rounds} interleaved runs of ${duration} s each\n`)
console.log('| setup | req/s (median) | runs | p50 ms | p99 ms | errors | vs direct | vs fastify+http-proxy |')
console.log('|---|---|---|---|---|---|---|---|')
for (const setup of setups) {
  const r = median(setup.runs.map((x) => x.rps))
  const runs = setup.runs.map((x) => Math.round(x.rps)).join(' / ')
  const errors = setup.runs.reduce((n, x) => n + x.errors, 0)
  console.log(`| ${setup.name} | ${Math.round(r)} | ${runs} | ${median(setup.runs.map((x) => x.p50))} | ${median(setup.runs.map((x) => x.p99))} | ${errors} | ` +
    `${direct === undefined ? '-' : (r / direct).toFixed(2) + 'x'} | ${peer === undefined ? '-' : (r / peer).toFixed(2) + 'x'} |`)
}
for (const setup of setups.filter((s) => s.shadowGateway !== undefined)) {
  const answered = setup.runs.reduce((n, x) => n + x.requests, 0)
  console.log(`${setup.name}: ${setup.compared} shadows compared and ${setup.dropped} dropped for ${answered} requests answered (requests still in flight when a run ends are shadowed but not counted as answered)`)
}
const gatewayRps = rps('gateway, legacy')
if (gatewayRps !== undefined && peer !== undefined) console.log(`\ngateway vs fastify+http-proxy: ${(gatewayRps / peer).toFixed(2)}x (goal >= 1.0x)`)
const mirror = rps('nginx mirror')
for (const setup of setups.filter((s) => s.shadowGateway !== undefined)) {
  if (mirror !== undefined) console.log(`${setup.name} vs nginx mirror: ${((rps(setup.name) ?? NaN) / mirror).toFixed(2)}x (goal >= 1.2x)`)
}
if (latencyLines.length > 0) console.log(`\n${latencyLines.join('\n')}`)
