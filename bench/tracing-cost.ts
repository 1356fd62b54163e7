/**
 * What tracing costs the live path: the gateway's throughput on a legacy-only route with tracing
 * off (OTEL_* unset) and on at a 10% sample (parentbased_traceidratio 0.1, exported over OTLP/HTTP
 * to a local collector stand-in), and on at 100% for scale, against the same build without the
 * tracing option at all (bench/servers/gateway.ts, the baseline). Goals: off within noise of the
 * baseline, on at 10% at most 5% below off.
 *
 * The repo's pinned layout (servers/pinning.ts, as `npm run bench` has it): each gateway alone on
 * core 0, the load generator (wrk, else autocannon: load/closed-load.ts), the upstream and the
 * collector on the other cores, so the figure is the gateway's own; each setup runs once per
 * round, rounds interleaved, medians reported. CPU per request is the gateway process's own
 * (/proc), which holds better than req/s when other work shares the machine. Prints figures
 * and ratios; it asserts nothing.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/tracing-cost.ts [--seconds 5] [--rounds 5] [--connections 50] [--autocannon] [--no-pin]
 */
import { parseArgs } from 'node:util'
import { closedLoad, hasWrk, type ClosedResult } from './load/closed-load.js'
import { cpuMs } from './servers/cpu-time.js'
import { pinLayout } from './servers/pinning.js'
import { startServerProcess } from './servers/start.js'
import type { Started } from './servers/started.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    autocannon: { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false }
  }
})
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const connections = Number(values.connections)
const wrk = !values.autocannon && hasWrk()
// The setups set their own OTEL_*: none is inherited from this shell.
for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) delete process.env[key]

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const spread = (xs: number[]): string => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`

const layout = pinLayout(!values['no-pin'])
const upstream = await startServerProcess('upstream')
const sink = await startServerProcess('otlp-sink')
const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'strangler-gateway-bench' }
const setups: Array<{ name: string, server: Started, rps: number[], cpuUs: number[], p99: number[], errors: number }> = []
const add = async (name: string, script: string, env: Record<string, string>): Promise<void> => {
  const server = await startServerProcess(script, { env: { UPSTREAM: upstream.url, ...env }, cpus: layout.proxyCpus })
  setups.push({ name, server, rps: [], cpuUs: [], p99: [], errors: 0 })
}
try {
  await add('baseline (no tracing option)', 'gateway', {})
  await add('tracing off (OTEL_* unset)', 'traced-gateway', {})
  await add('tracing on, 10% sampled', 'traced-gateway', { ...otlp, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })
  await add('tracing on, 100% sampled', 'traced-gateway', { ...otlp, OTEL_TRACES_SAMPLER: 'parentbased_always_on' })

  const load = async (url: string, duration: number): Promise<ClosedResult> => await closedLoad(`${url}/api/scenarios`, duration, connections, wrk)
  for (const setup of setups) await load(setup.server.url, 1)
  for (let round = 0; round < rounds; round++) {
    for (const setup of setups) {
      const pid = setup.server.proc.pid as number
      const cpuBefore = cpuMs(pid)
      const result = await load(setup.server.url, seconds)
      // The gateway's CPU per request does not depend on what the neighbours take of the machine.
      setup.cpuUs.push((cpuMs(pid) - cpuBefore) * 1000 / result.requests)
      setup.rps.push(result.rps)
      setup.p99.push(result.p99)
      setup.errors += result.errors
    }
  }
  const stats = await (await fetch(`${sink.url}/stats`)).json() as { exports: number, spans: number }

  console.log(`\ntracing cost: ${rounds} rounds x ${seconds} s, ${wrk ? `wrk -t1 -c${connections}` : `autocannon, ${connections} connections`}, GET /api/scenarios (357-byte JSON), legacy-only route`)
  console.log(layout.describe)
  for (const s of setups) {
    console.log(`${s.name.padEnd(30)} ${Math.round(median(s.rps)).toString().padStart(6)} req/s (rounds ${spread(s.rps)})  ` +
      `CPU ${median(s.cpuUs).toFixed(1)} us/request (rounds ${spread(s.cpuUs)})  p99 ${median(s.p99)} ms  errors ${s.errors}`)
  }
  const [baseline, off, on10, on100] = setups.map((s) => median(s.rps))
  const [cpuBaseline, cpuOff, cpuOn10, cpuOn100] = setups.map((s) => median(s.cpuUs))
  console.log('\nthroughput                    CPU per request (its inverse bounds throughput on a core of its own)')
  console.log(`off / baseline:  ${(off / baseline).toFixed(3)}       ${(cpuOff / cpuBaseline).toFixed(3)}   (goal: 1.00 within noise)`)
  console.log(`on 10% / off:    ${(on10 / off).toFixed(3)}       ${(cpuOn10 / cpuOff).toFixed(3)}   (goal: throughput >= 0.95, CPU <= 1.05)`)
  console.log(`on 100% / off:   ${(on100 / off).toFixed(3)}       ${(cpuOn100 / cpuOff).toFixed(3)}`)
  console.log(`collector got ${stats.spans} spans in ${stats.exports} exports`)
  console.log('\nnode --conditions=strangler-gateway-source --import tsx bench/tracing-cost.ts ' +
    `--seconds ${seconds} --rounds ${rounds} --connections ${connections}${values.autocannon ? ' --autocannon' : ''}${values['no-pin'] ? ' --no-pin' : ''}`)
} finally {
  for (const s of setups) s.server.stop()
  upstream.stop()
  sink.stop()
}
