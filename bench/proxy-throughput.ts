/**
 * Throughput of the gateway against its baselines, measured in one run on this machine:
 * direct to the upstream, the gateway on a legacy-only route (flag, canary and shadow sampling
 * evaluated), plain fastify + @fastify/http-proxy, and nginx (one worker) as a reverse proxy.
 * With --shadow: the gateway with shadow at 100% (diff + in-memory record) against nginx's
 * `mirror`. Prints figures and ratios; it asserts nothing.
 *
 *   node --import tsx bench/proxy-throughput.ts [--seconds 10] [--connections 50] [--shadow]
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { startNginx, startServerProcess, type Started } from './servers/start.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    shadow: { type: 'boolean', default: false }
  }
})
const duration = Number(values.seconds)
const connections = Number(values.connections)

interface Result { name: string, rps: number, p50: number, p99: number, errors: number }

async function measure (name: string, url: string): Promise<Result> {
  // A short warm-up so JIT and connection pools are ready before the measured run.
  await autocannon({ url, connections, duration: 2 })
  const r = await autocannon({ url, connections, duration })
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx }
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

const started: Started[] = []
const results: Result[] = []
try {
  const upstream = await startServerProcess('upstream')
  const candidate = await startServerProcess('upstream')
  started.push(upstream, candidate)
  const path = '/api/scenarios'
  results.push(await measure('direct to upstream', `${upstream.url}${path}`))
  const gateway = await startServerProcess('gateway', { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url })
  started.push(gateway)
  results.push(await measure('gateway, legacy-only route', `${gateway.url}${path}`))
  const httpProxy = await startServerProcess('http-proxy', { UPSTREAM: upstream.url })
  started.push(httpProxy)
  results.push(await measure('fastify + @fastify/http-proxy', `${httpProxy.url}${path}`))
  if (hasNginx()) {
    const nginx = await startNginx(upstream.port, await freePort())
    started.push(nginx)
    results.push(await measure('nginx proxy_pass (1 worker)', `${nginx.url}${path}`))
  }
  if (values.shadow) {
    const shadowGateway = await startServerProcess('gateway', { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url, SHADOW_SAMPLE: '100' })
    started.push(shadowGateway)
    results.push(await measure('gateway, shadow 100% + diff + memory record', `${shadowGateway.url}${path}`))
    if (hasNginx()) {
      const mirror = await startNginx(upstream.port, await freePort(), candidate.port)
      started.push(mirror)
      results.push(await measure('nginx mirror (1 worker)', `${mirror.url}${path}`))
    }
  }
} finally {
  for (const s of started) s.stop()
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
const mirror = base('nginx mirror')
const shadowed = base('gateway, shadow')
if (mirror !== undefined && shadowed !== undefined) console.log(`\nshadow+diff vs nginx mirror: ${(shadowed / mirror).toFixed(2)}x`)
