/**
 * What tracing costs the live path: the gateway's throughput on a legacy-only route with tracing
 * off (OTEL_* unset) and on at a 10% sample (parentbased_traceidratio 0.1, exported over OTLP/HTTP
 * to a local collector stand-in), and on at 100% for scale, against the same build without the
 * tracing option at all (bench/servers/gateway.ts, the baseline). Goals: off within noise of the
 * baseline, on at 10% at most 5% below off.
 *
 * With two cores or more the gateways run alone on core 1 (`taskset -c 1`) and the load
 * generator, the upstream and the collector on core 0, so the figure is the gateway's own; each
 * setup runs once per round, rounds interleaved, medians reported. Prints figures and ratios; it
 * asserts nothing.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/tracing-cost.ts [--seconds 5] [--rounds 5] [--connections 50]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' }
  }
})
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const connections = Number(values.connections)
const here = path.dirname(fileURLToPath(import.meta.url))
const pinned = availableParallelism() >= 2
const GATEWAY_CORE = '1'
const LOAD_CORE = '0'

interface Server { url: string, proc: ChildProcess }

async function start (name: string, core: string, env: Record<string, string> = {}): Promise<Server> {
  const node = [process.execPath, '--conditions=strangler-gateway-source', '--import', 'tsx', path.join(here, 'servers', `${name}.ts`)]
  const [command, ...args] = pinned ? ['taskset', '-c', core, ...node] : node
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  for (const key of Object.keys(childEnv)) if (key.startsWith('OTEL_') && env[key] === undefined) delete childEnv[key]
  const proc = spawn(command, args, { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    proc.stdout?.once('data', (data: Buffer) => resolve((JSON.parse(data.toString().split('\n')[0]) as { port: number }).port))
  })
  return { url: `http://127.0.0.1:${port}`, proc }
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())
/** User + system CPU the process has used, all its threads, in ms. */
function cpuMs (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const spread = (xs: number[]): string => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`

// The load generator (this process, all its threads) on the load core.
if (pinned) execFileSync('taskset', ['-a', '-cp', LOAD_CORE, String(process.pid)], { stdio: 'ignore' })
const upstream = await start('upstream', LOAD_CORE)
const sink = await start('otlp-sink', LOAD_CORE)
const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'strangler-gateway-bench' }
const setups: Array<{ name: string, server: Server, rps: number[], cpuUs: number[], p99: number[], errors: number }> = []
const add = async (name: string, script: string, env: Record<string, string>): Promise<void> => {
  setups.push({ name, server: await start(script, GATEWAY_CORE, { UPSTREAM: upstream.url, ...env }), rps: [], cpuUs: [], p99: [], errors: 0 })
}
try {
  await add('baseline (no tracing option)', 'gateway', {})
  await add('tracing off (OTEL_* unset)', 'traced-gateway', {})
  await add('tracing on, 10% sampled', 'traced-gateway', { ...otlp, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })
  await add('tracing on, 100% sampled', 'traced-gateway', { ...otlp, OTEL_TRACES_SAMPLER: 'parentbased_always_on' })

  const load = async (url: string, duration: number): Promise<autocannon.Result> => await autocannon({ url: `${url}/api/scenarios`, connections, duration })
  for (const setup of setups) await load(setup.server.url, 1)
  for (let round = 0; round < rounds; round++) {
    for (const setup of setups) {
      const pid = setup.server.proc.pid as number
      const cpuBefore = cpuMs(pid)
      const result = await load(setup.server.url, seconds)
      // The gateway's CPU per request does not depend on what the neighbours take of the machine.
      setup.cpuUs.push((cpuMs(pid) - cpuBefore) * 1000 / result.requests.total)
      setup.rps.push(result.requests.average)
      setup.p99.push(result.latency.p99)
      setup.errors += result.errors + result.non2xx
    }
  }
  const stats = await (await fetch(`${sink.url}/stats`)).json() as { exports: number, spans: number }

  console.log(`\ntracing cost: ${rounds} rounds x ${seconds} s, ${connections} connections, GET /api/scenarios (357-byte JSON), legacy-only route`)
  console.log(pinned ? `pinned: gateway alone on core ${GATEWAY_CORE}; load, upstream and collector on core ${LOAD_CORE}` : 'one core: nothing pinned')
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
    `--seconds ${seconds} --rounds ${rounds} --connections ${connections}`)
} finally {
  for (const s of setups) s.server.proc.kill('SIGTERM')
  upstream.proc.kill('SIGTERM')
  sink.proc.kill('SIGTERM')
}
