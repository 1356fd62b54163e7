/**
 * Throughput of the gateway against its baselines, measured in one run on this machine:
 * direct to the upstream, the gateway on a legacy-only route (flag, canary and shadow sampling
 * evaluated), plain fastify + @fastify/http-proxy, and nginx (one worker) as a reverse proxy.
 *
 * With --shadow: the gateway with shadow at 100% (diff + record in memory, and in Redis when one
 * answers at --redis), against nginx's `mirror`; how many of the requests were really compared
 * (a full shadow budget drops shadows rather than slow users); and the users' latency at half the
 * gateway's maximum rate with shadow off and on. Prints figures and ratios; it asserts nothing.
 *
 *   node --import tsx bench/proxy-throughput.ts [--seconds 10] [--connections 50] [--shadow] [--redis redis://127.0.0.1:6379]
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { Redis } from 'ioredis'
import { parseExposition } from '../gateway/metrics/parse-exposition.js'
import { startNginx, startServerProcess, type Started } from './servers/start.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    shadow: { type: 'boolean', default: false },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' }
  }
})
const duration = Number(values.seconds)
const connections = Number(values.connections)
const PATH = '/api/scenarios'

interface Result { name: string, rps: number, p50: number, p99: number, errors: number, note?: string }

async function measure (name: string, url: string): Promise<Result> {
  // A short warm-up so JIT and connection pools are ready before the measured run.
  await autocannon({ url, connections, duration: 2 })
  const r = await autocannon({ url, connections, duration })
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx }
}

/** Latency percentiles at a fixed offered rate, from every response's own time. */
async function atRate (url: string, rate: number): Promise<{ p50: number, p95: number, p99: number, errors: number }> {
  const times: number[] = []
  // Without a callback autocannon's instance is both its event emitter and a promise of the result.
  const instance = autocannon({ url, connections, duration, overallRate: rate }) as unknown as autocannon.Instance & Promise<autocannon.Result>
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => { times.push(ms) })
  const r = await instance
  times.sort((a, b) => a - b)
  const at = (q: number): number => Math.round(10 * (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN)) / 10
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), errors: r.errors + r.non2xx }
}

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

async function measureShadow (name: string, gateway: Started): Promise<Result> {
  await autocannon({ url: `${gateway.url}${PATH}`, connections, duration: 2 })
  const before = await settledShadowCounts(gateway.url)
  const r = await autocannon({ url: `${gateway.url}${PATH}`, connections, duration })
  const after = await settledShadowCounts(gateway.url)
  const compared = after.compared - before.compared
  const dropped = after.dropped - before.dropped
  const share = (n: number): string => `${(100 * n / r.requests.total).toFixed(1)}%`
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    note: `${share(compared)} of ${r.requests.total} requests compared, ${share(dropped)} dropped by the shadow budget`
  }
}

async function freePort (): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function hasNginx (): boolean {
  try { execFileSync('nginx', ['-v'], { stdio: 'ignore' }); return true } catch { return false }
}

async function reachableRedis (url: string): Promise<Redis | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    await redis.connect()
    return redis
  } catch {
    redis.disconnect()
    return null
  }
}

async function deleteKeys (redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]))
  }
}

const started: Started[] = []
const results: Result[] = []
const latencyLines: string[] = []
const redis = values.shadow ? await reachableRedis(values.redis) : null
const redisPrefix = `strangler-bench-${process.pid}:`
try {
  const upstream = await startServerProcess('upstream')
  const candidate = await startServerProcess('upstream')
  started.push(upstream, candidate)
  results.push(await measure('direct to upstream', `${upstream.url}${PATH}`))
  const gateway = await startServerProcess('gateway', { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url })
  started.push(gateway)
  const plain = await measure('gateway, legacy-only route', `${gateway.url}${PATH}`)
  results.push(plain)
  const httpProxy = await startServerProcess('http-proxy', { UPSTREAM: upstream.url })
  started.push(httpProxy)
  results.push(await measure('fastify + @fastify/http-proxy', `${httpProxy.url}${PATH}`))
  if (hasNginx()) {
    const nginx = await startNginx(upstream.port, await freePort())
    started.push(nginx)
    results.push(await measure('nginx proxy_pass (1 worker)', `${nginx.url}${PATH}`))
  }
  if (values.shadow) {
    const shadowGateway = await startServerProcess('gateway', { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url, SHADOW_SAMPLE: '100' })
    started.push(shadowGateway)
    results.push(await measureShadow('gateway, shadow 100% + diff + memory record', shadowGateway))
    if (redis !== null) {
      const redisGateway = await startServerProcess('gateway', {
        UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url, SHADOW_SAMPLE: '100', REDIS_URL: values.redis, DIFF_PREFIX: redisPrefix
      })
      started.push(redisGateway)
      results.push(await measureShadow('gateway, shadow 100% + diff + Redis record', redisGateway))
      redisGateway.stop()
    }
    if (hasNginx()) {
      const mirror = await startNginx(upstream.port, await freePort(), candidate.port)
      started.push(mirror)
      results.push(await measure('nginx mirror (1 worker)', `${mirror.url}${PATH}`))
    }
    const rate = Math.round(plain.rps / 2)
    const off = await atRate(`${gateway.url}${PATH}`, rate)
    const on = await atRate(`${shadowGateway.url}${PATH}`, rate)
    latencyLines.push(
      `users' latency at ${rate} req/s (half the gateway's maximum), ${duration} s each:`,
      '| shadow | p50 ms | p95 ms | p99 ms | errors |',
      '|---|---|---|---|---|',
      `| off | ${off.p50} | ${off.p95} | ${off.p99} | ${off.errors} |`,
      `| on, 100% | ${on.p50} | ${on.p95} | ${on.p99} | ${on.errors} |`,
      `p95 shadow on / off: ${(on.p95 / off.p95).toFixed(2)}x (goal <= 1.1x)`
    )
  }
} finally {
  for (const s of started) s.stop()
  if (redis !== null) {
    await deleteKeys(redis, redisPrefix)
    redis.disconnect()
  }
}

const base = (name: string): number | undefined => results.find((r) => r.name.startsWith(name))?.rps
const peer = base('fastify')
console.log(`\n${connections} connections, ${duration} s each, 357-byte JSON\n`)
console.log('| setup | req/s | p50 ms | p99 ms | errors | vs direct | vs fastify+http-proxy |')
console.log('|---|---|---|---|---|---|---|')
for (const r of results) {
  const direct = base('direct') ?? r.rps
  console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.rps / direct).toFixed(2)}x | ${peer === undefined ? '-' : (r.rps / peer).toFixed(2) + 'x'} |`)
}
for (const r of results) if (r.note !== undefined) console.log(`${r.name}: ${r.note}`)
const gatewayRps = base('gateway, legacy')
if (gatewayRps !== undefined && peer !== undefined) console.log(`\ngateway vs fastify+http-proxy: ${(gatewayRps / peer).toFixed(2)}x (goal >= 1.0x)`)
const mirror = base('nginx mirror')
for (const r of results.filter((r) => r.name.startsWith('gateway, shadow'))) {
  if (mirror !== undefined) console.log(`${r.name} vs nginx mirror: ${(r.rps / mirror).toFixed(2)}x (goal >= 1.2x)`)
}
if (latencyLines.length > 0) console.log(`\n${latencyLines.join('\n')}`)
