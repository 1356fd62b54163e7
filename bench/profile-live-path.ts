/**
 * Profiles the gateway's live path: the gateway (legacy-only route) under `node --cpu-prof`,
 * pinned alone on core 0, at an evenly paced rate, or with `--closed` at its maximum rate
 * (wrk or autocannon, 50 connections, as the throughput trial loads it); then prints the
 * profile's top self time by function and by file, and the total under each of the named frames
 * (inclusive time). `--server bare-proxy` profiles the reference proxy the same way, to compare.
 *
 * `--traced off|10|100` profiles bench/servers/traced-gateway.ts instead: tracing off (OTEL_*
 * unset), or on at a 10 % (parentbased_traceidratio) or 100 % sample, exporting to the local
 * collector stand-in (bench/servers/otlp-sink.ts). `--shadow 100` has the gateway mirror that share
 * of the requests to a second upstream (shadow + diff + memory record).
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/profile-live-path.ts [--server gateway] [--rate 2000 | --closed] [--seconds 10] [--top 30] [--keep] [--traced off|10|100] [--shadow 0]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { closedLoad, hasWrk } from './load/closed-load.js'
import { pacedLoad } from './load/paced-load.js'
import { pinLayout } from './servers/pinning.js'
import { startServerProcess } from './servers/start.js'

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'gateway' },
    rate: { type: 'string', default: '2000' },
    closed: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
    traced: { type: 'string' },
    shadow: { type: 'string', default: '0' }
  }
})
interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], startTime: number, samples: number[], timeDeltas: number[] }

const layout = pinLayout(true)
const dir = mkdtempSync(path.join(tmpdir(), 'sg-profile-'))
const upstream = await startServerProcess('upstream')
const traced = values.traced
if (traced !== undefined && !['off', '10', '100'].includes(traced)) throw new Error('--traced takes off, 10 or 100')
const sink = traced === undefined || traced === 'off' ? null : await startServerProcess('otlp-sink')
const tracingEnv: Record<string, string> = sink === null
  ? {}
  : traced === '10'
    ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }
    : { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_always_on' }
const shadow = Number(values.shadow)
const candidate = shadow > 0 ? await startServerProcess('upstream') : null
const shadowEnv: Record<string, string> = candidate === null ? {} : { NEW_UPSTREAM: candidate.url, SHADOW_SAMPLE: String(shadow) }
const gateway = await startServerProcess(traced === undefined ? values.server : 'traced-gateway', {
  env: { UPSTREAM: upstream.url, ...tracingEnv, ...shadowEnv },
  cpus: layout.proxyCpus,
  nodeArgs: [`--cpu-prof-dir=${dir}`, '--cpu-prof']
})
// The profiler's clock and hrtime are both the monotonic clock: the measured run's window.
const window = { from: 0, to: 0 }
let responses = 0
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)
try {
  const url = `${gateway.url}/api/scenarios`
  const name = (traced === undefined ? values.server : `traced gateway, tracing ${traced === 'off' ? 'off' : `on at ${traced} %`}`) + (shadow > 0 ? `, shadow ${shadow} %` : '')
  if (values.closed) {
    const wrk = hasWrk()
    await closedLoad(url, 2, 50, wrk) // warm-up
    window.from = nowUs()
    const r = await closedLoad(url, Number(values.seconds), 50, wrk)
    window.to = nowUs()
    responses = r.requests
    console.log(`${name}; ${layout.describe}\n${r.requests} responses, closed loop (${wrk ? 'wrk' : 'autocannon'}, 50 connections): ${Math.round(r.rps)} req/s, ${r.errors} errors`)
  } else {
    await pacedLoad(url, Number(values.rate), 2, 50) // warm-up
    window.from = nowUs()
    const r = await pacedLoad(url, Number(values.rate), Number(values.seconds), 50)
    window.to = nowUs()
    responses = r.latencies.length
    console.log(`${name}; ${layout.describe}\n${r.latencies.length} responses at ${values.rate} req/s, ${r.errors} errors`)
  }
} finally {
  await new Promise((resolve) => { gateway.proc.once('exit', resolve); gateway.stop() })
  upstream.stop()
  sink?.stop()
  candidate?.stop()
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (file === undefined) throw new Error('no profile written')
const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile
if (values.keep) console.log(`profile: ${path.join(dir, file)}`)
else rmSync(dir, { recursive: true, force: true })

const selfUs = new Map<number, number>()
// Only the measured run's samples: not start-up (module loading), warm-up or shutdown.
let at = profile.startTime
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0
  if (at >= window.from && at <= window.to) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((n, [, us]) => n + us, 0)
const busy = total - idle
const short = (url: string): string => url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|legacy-adapter)\//, '$1/')
const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
const top = (m: Map<string, number>): string[] => [...m].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))
  .map(([k, us]) => `${(100 * us / busy).toFixed(1).padStart(5)}%  ${k}`)
const sum = (key: (n: ProfileNode) => string): Map<string, number> => {
  const m = new Map<string, number>()
  for (const [id, us] of selfUs) { const k = key(byId.get(id) as ProfileNode); m.set(k, (m.get(k) ?? 0) + us) }
  return m
}
// Inclusive time: each node's self time added to every distinct frame on its stack.
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const inclusive = new Map<string, number>()
for (const [id, us] of selfUs) {
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(label(byId.get(at) as ProfileNode))
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us)
}
console.log(`\n${(total / 1e6).toFixed(2)} s sampled, ${(100 * idle / total).toFixed(0)}% idle; busy ${(busy / responses).toFixed(0)} µs per response. Shares of the busy time.\n\nself time by function:\n${top(sum(label)).join('\n')}`)
console.log(`\nself time by file:\n${top(sum((n) => short(n.callFrame.url) || n.callFrame.functionName)).join('\n')}`)
console.log(`\ninclusive time:\n${top(inclusive).join('\n')}`)
