/**
 * Profiles the gateway's live path: the gateway (legacy-only route) under `node --cpu-prof`,
 * pinned alone on core 0, at an evenly paced rate; then prints the profile's top self time by
 * function and by file, and the total under each of the named frames (inclusive time).
 * `--shadow 100` profiles the gateway mirroring that share of the requests to a second upstream
 * (shadow + diff + memory record) instead.
 *
 *   node --conditions=strangler-gateway-source --import tsx bench/profile-live-path.ts [--rate 2000] [--seconds 10] [--top 30] [--shadow 0] [--keep]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pacedLoad } from './load/paced-load.js'
import { pinLayout } from './servers/pinning.js'
import { startServerProcess } from './servers/start.js'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
    shadow: { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false }
  }
})
interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], startTime: number, samples: number[], timeDeltas: number[] }

const layout = pinLayout(true)
const dir = mkdtempSync(path.join(tmpdir(), 'sg-profile-'))
const upstream = await startServerProcess('upstream')
const shadow = Number(values.shadow)
const candidate = shadow > 0 ? await startServerProcess('upstream') : null
const env: Record<string, string> = candidate === null ? { UPSTREAM: upstream.url } : { UPSTREAM: upstream.url, NEW_UPSTREAM: candidate.url, SHADOW_SAMPLE: String(shadow) }
const gateway = await startServerProcess('gateway', { env, cpus: layout.proxyCpus, nodeArgs: [`--cpu-prof-dir=${dir}`, '--cpu-prof'] })
// The profiler's clock and hrtime are both the monotonic clock: the measured run's window.
const window = { from: 0, to: 0 }
let responses = 0
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)
try {
  await pacedLoad(`${gateway.url}/api/scenarios`, Number(values.rate), 2, 50) // warm-up
  window.from = nowUs()
  const r = await pacedLoad(`${gateway.url}/api/scenarios`, Number(values.rate), Number(values.seconds), 50)
  window.to = nowUs()
  responses = r.latencies.length
  console.log(`${layout.describe}\n${r.latencies.length} responses at ${values.rate} req/s, ${r.errors} errors${shadow > 0 ? `, shadow ${shadow}%` : ''}`)
} finally {
  await new Promise((resolve) => { gateway.proc.once('exit', resolve); gateway.stop() })
  upstream.stop()
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
