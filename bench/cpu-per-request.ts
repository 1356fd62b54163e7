/**
 * CPU time each proxy spends per request, at the same evenly paced rate for all of them. On a
 * shared two-core machine, req/s at saturation swings with whatever else runs (the load
 * generator and the upstreams share the cores too); the CPU a proxy's processes burn per request
 * at a rate none of them saturates does not depend on how fast the others run, and it is what
 * bounds a proxy's throughput on a core of its own: requests per CPU-second = 1e6 / (µs per
 * request). A Node process's figure still moves ±20% from run to run (GC, JIT): take the median
 * of several rounds.
 *
 * Setups: the gateway on a legacy-only route, plain fastify + @fastify/http-proxy, the gateway
 * with shadow 100% + diff + memory record and with Redis record, and nginx (one worker) with
 * proxy_pass and with `mirror`. The upstreams' CPU is not counted.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/cpu-per-request.ts [--rate 1000] [--seconds 5] [--rounds 5] [--redis redis://127.0.0.1:6379]
 */
import { parseArgs } from 'node:util'
import { pacedLoad } from './load/paced-load.js'
import { cpuMs, TICKS_PER_SECOND } from './servers/cpu-time.js'
import { deleteKeys, freePort, hasNginx, reachableRedis } from './servers/machine.js'
import { startNginx, startServerProcess } from './servers/start.js'
import type { Started } from './servers/started.js'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' }
  }
})
const rate = Number(values.rate)
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const connections = Number(values.connections)
const PATH = '/api/scenarios'

interface Setup { name: string, server: Started, usPerRequest: number[], errors: number }

const started: Started[] = []
const setups: Setup[] = []
const redisPrefix = `strangler-bench-cpu-${process.pid}:`
const redis = await reachableRedis(values.redis)
try {
  const upstream = await startServerProcess('upstream')
  const candidate = await startServerProcess('upstream')
  started.push(upstream, candidate)
  const upstreams = { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url }
  const add = async (name: string, server: Promise<Started>): Promise<void> => {
    const s = await server
    started.push(s)
    setups.push({ name, server: s, usPerRequest: [], errors: 0 })
  }
  await add('gateway, legacy-only route', startServerProcess('gateway', { env: upstreams }))
  await add('fastify + @fastify/http-proxy', startServerProcess('http-proxy', { env: { UPSTREAM: upstream.url } }))
  await add('gateway, shadow 100% + diff + memory record', startServerProcess('gateway', { env: { ...upstreams, SHADOW_SAMPLE: '100' } }))
  if (redis !== null) {
    await add('gateway, shadow 100% + diff + Redis record', startServerProcess('gateway', { env: { ...upstreams, SHADOW_SAMPLE: '100', REDIS_URL: values.redis, DIFF_PREFIX: redisPrefix } }))
  }
  if (hasNginx()) {
    await add('nginx proxy_pass (1 worker)', startNginx(upstream.port, await freePort()))
    await add('nginx mirror (1 worker)', startNginx(upstream.port, await freePort(), candidate.port))
  }

  for (const setup of setups) await pacedLoad(`${setup.server.url}${PATH}`, rate, 2, connections) // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const setup of setups) {
      const pid = setup.server.proc.pid as number
      const before = cpuMs(pid)
      const result = await pacedLoad(`${setup.server.url}${PATH}`, rate, seconds, connections)
      await new Promise((resolve) => setTimeout(resolve, 300)) // shadows still in flight finish
      const spent = cpuMs(pid) - before
      setup.usPerRequest.push(spent * 1000 / (result.latencies.length + result.errors))
      setup.errors += result.errors
    }
  }
} finally {
  for (const s of started) s.stop()
  if (redis !== null) {
    await deleteKeys(redis, redisPrefix)
    redis.disconnect()
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`\nCPU of the proxy's processes per request at ${rate} req/s, evenly paced, ${connections} connections; median of ${rounds} interleaved runs of ${seconds} s (the CPU clock ticks every ${1000 / TICKS_PER_SECOND} ms)\n`)
console.log('| setup | µs CPU / request | runs | requests per CPU-second | errors |')
console.log('|---|---|---|---|---|')
for (const setup of setups) {
  const us = median(setup.usPerRequest)
  console.log(`| ${setup.name} | ${us.toFixed(0)} | ${setup.usPerRequest.map((x) => x.toFixed(0)).join(' / ')} | ${Math.round(1e6 / us)} | ${setup.errors} |`)
}
const usOf = (prefix: string): number | undefined => {
  const setup = setups.find((s) => s.name.startsWith(prefix))
  return setup === undefined ? undefined : median(setup.usPerRequest)
}
const peer = usOf('fastify')
const gateway = usOf('gateway, legacy')
console.log('')
if (peer !== undefined && gateway !== undefined) {
  console.log(`gateway, legacy-only route: ${(peer / gateway).toFixed(2)}x fastify + @fastify/http-proxy's requests per CPU-second (goal >= 1.0x)`)
}
const mirror = setups.find((s) => s.name.startsWith('nginx mirror'))
if (mirror !== undefined) {
  for (const setup of setups.filter((s) => s.name.includes('shadow'))) {
    console.log(`${setup.name}: ${(median(mirror.usPerRequest) / median(setup.usPerRequest)).toFixed(2)}x nginx mirror's requests per CPU-second (goal >= 1.2x)`)
  }
}
