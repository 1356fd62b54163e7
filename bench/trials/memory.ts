/**
 * The memory trial: a gateway shadowing 100% to a slow target while legacy answers large bodies,
 * at a paced rate. Its RSS is read from /proc every 100 ms: idle (after start, before any load)
 * and the peak during the load and the 2 s after it.
 */
import { pacedLoad } from '../load/paced-load.js'
import { rssBytes } from '../servers/cpu-time.js'
import type { Started } from '../servers/started.js'
import { countsSince, shadowCounts, type ShadowCounts } from './shadow-counts.js'

export interface MemoryResult { idleBytes: number, peakBytes: number, responses: number, errors: number, counts: ShadowCounts }

const SAMPLE_EVERY_MS = 100
const AFTER_MS = 2_000

export async function runMemoryTrial (gateway: Started, path: string, rate: number, seconds: number, connections: number): Promise<MemoryResult> {
  const pid = gateway.proc.pid as number
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  const idleBytes = rssBytes(pid)
  let peakBytes = idleBytes
  const timer = setInterval(() => { peakBytes = Math.max(peakBytes, rssBytes(pid)) }, SAMPLE_EVERY_MS)
  const before = await shadowCounts(gateway.url)
  try {
    const r = await pacedLoad(`${gateway.url}${path}`, rate, seconds, connections)
    await new Promise((resolve) => setTimeout(resolve, AFTER_MS))
    return { idleBytes, peakBytes, responses: r.latencies.length, errors: r.errors, counts: countsSince(before, await shadowCounts(gateway.url)) }
  } finally {
    clearInterval(timer)
  }
}
