/**
 * A backend's memory, read from its own Prometheus endpoint (upstreams.<name>.metricsUrl):
 * process_resident_memory_bytes (prom-client's and the Python client's name), else
 * app_memory_usage_bytes. Unknown, with the reason, when not configured, unreachable or absent.
 * Readings are cached briefly, so a dashboard refreshing every few seconds does not scrape the
 * backends on every call.
 */
import { request } from 'undici'
import { parseExposition } from '../../core/parse-exposition.js'

export const MEMORY_METRIC_NAMES = ['process_resident_memory_bytes', 'app_memory_usage_bytes'] as const
export const DEFAULT_MEMORY_READ_TIMEOUT_MS = 1_000
export const DEFAULT_MEMORY_CACHE_MS = 5_000
/** Exposition pages are small; a backend that sends more is not one we should buffer. */
const MAX_METRICS_BYTES = 4 * 1024 * 1024

export interface MemoryReading {
  status: 'known' | 'unknown'
  bytes: number | null
  /** The metric the figure came from. */
  metric?: string
  reason?: string
}

export type MemoryReader = (metricsUrl: string | null) => Promise<MemoryReading>

const unknown = (reason: string): MemoryReading => ({ status: 'unknown', bytes: null, reason })

export async function readBackendMemory (metricsUrl: string | null, timeoutMs = DEFAULT_MEMORY_READ_TIMEOUT_MS): Promise<MemoryReading> {
  if (metricsUrl === null) return unknown('metricsUrl not configured')
  try {
    const response = await request(metricsUrl, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs)
    })
    if (response.statusCode !== 200) {
      await response.body.dump()
      return unknown(`metrics endpoint answered ${response.statusCode}`)
    }
    const declared = Number(response.headers['content-length'] ?? 0)
    if (declared > MAX_METRICS_BYTES) {
      await response.body.dump()
      return unknown('metrics page too large')
    }
    const families = parseExposition(await response.body.text())
    for (const name of MEMORY_METRIC_NAMES) {
      const sample = families.get(name)?.samples[0]
      if (sample !== undefined && Number.isFinite(sample.value)) return { status: 'known', bytes: sample.value, metric: name }
    }
    return unknown(`no ${MEMORY_METRIC_NAMES.join(' or ')} on the metrics page`)
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).name
    return unknown(`metrics endpoint unreachable or invalid (${code})`)
  }
}

export function createMemoryReader (cacheMs = DEFAULT_MEMORY_CACHE_MS, timeoutMs = DEFAULT_MEMORY_READ_TIMEOUT_MS): MemoryReader {
  const cache = new Map<string, { at: number, reading: Promise<MemoryReading> }>()
  return async (metricsUrl) => {
    if (metricsUrl === null) return unknown('metricsUrl not configured')
    const now = Date.now()
    const hit = cache.get(metricsUrl)
    if (hit !== undefined && now - hit.at < cacheMs) return await hit.reading
    const reading = readBackendMemory(metricsUrl, timeoutMs)
    cache.set(metricsUrl, { at: now, reading })
    // Only the newest reading per URL is kept, so the cache is as small as the upstream list.
    return await reading
  }
}
