/**
 * One load scenario: a fresh gateway process with the scenario's routes.yaml, autocannon against
 * it (as fast as the connections allow, or at a steady overall rate), and the gateway's own
 * figures from its /metrics before and after: resident memory, shadows sent, dropped, compared.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { metricTotal, startGatewayProcess, type Backends, type GatewayProcess } from './load-stack.js'
import { LOAD_PATH, scenarioRoutesYaml, type LoadScenario } from './scenarios.js'

export const DEFAULT_LOAD_SECONDS = 10
export const DEFAULT_LOAD_CONNECTIONS = 10
/** Shadows finish after the user's answer: give them this long before the final reading. */
const SETTLE_MS = 1_000

export interface LoadOptions {
  durationSeconds?: number
  connections?: number
  /** Requests per second over all connections; unset: as fast as they go. */
  rate?: number
  /** Where the progress bar goes; only drawn when it is a terminal. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean }
  /** Reads the gateway's RSS every `everyMs` while the load runs (the soak's trend). */
  rssSamples?: { everyMs: number, onSample: (elapsedSeconds: number, rssBytes: number) => void }
}

export interface LoadResult {
  scenario: string
  describe: string
  path: string
  durationSeconds: number
  connections: number
  rate: number | null
  requests: number
  requestsPerSecond: number
  latencyMs: { p50: number, p97_5: number, p99: number, max: number }
  /** Connection errors and timeouts (autocannon's errors) plus non-2xx answers. */
  errors: number
  connectionErrors: number
  timeouts: number
  non2xx: number
  servedBy: Record<string, number>
  gateway: {
    rssBeforeBytes: number
    rssAfterBytes: number
    shadowsSent: number
    shadowsDropped: number
    comparisons: Record<string, number>
  }
}

interface GatewayFigures { rss: number, sent: number, dropped: number, comparisons: Record<string, number> }

async function gatewayFigures (gateway: GatewayProcess): Promise<GatewayFigures> {
  const metrics = await gateway.metrics()
  const comparisons: Record<string, number> = {}
  for (const sample of metrics.get('app_shadow_comparisons_total')?.samples ?? []) {
    comparisons[sample.labels.verdict] = (comparisons[sample.labels.verdict] ?? 0) + sample.value
  }
  return {
    rss: metricTotal(metrics, 'process_resident_memory_bytes'),
    sent: metricTotal(metrics, 'app_shadow_requests_sent_total'),
    dropped: metricTotal(metrics, 'app_shadow_requests_dropped_total'),
    comparisons
  }
}

export async function runLoadScenario (backends: Backends, scenario: LoadScenario, options: LoadOptions = {}): Promise<LoadResult> {
  const durationSeconds = options.durationSeconds ?? DEFAULT_LOAD_SECONDS
  const connections = options.connections ?? DEFAULT_LOAD_CONNECTIONS
  const gateway = await startGatewayProcess(scenarioRoutesYaml(scenario, backends.legacyUrl, backends.newUrl))
  try {
    const before = await gatewayFigures(gateway)
    const servedBy: Record<string, number> = {}
    let next = 0
    let settle: { resolve: (r: autocannon.Result) => void, reject: (err: Error) => void } | undefined
    const finished = new Promise<autocannon.Result>((resolve, reject) => { settle = { resolve, reject } })
    const instance = autocannon({
      url: `${gateway.url}${LOAD_PATH}`,
      connections,
      duration: durationSeconds,
      ...(options.rate === undefined ? {} : { overallRate: options.rate }),
      requests: [{
        method: 'GET',
        path: LOAD_PATH,
        setupRequest: (req) => {
          next = (next + 1) % backends.sessionIds.length
          return { ...req, headers: { ...req.headers, cookie: `session=${backends.sessionIds[next]}` } }
        },
        onResponse: (_status, _body, _context, headers) => {
          const by = String((headers as Record<string, unknown>)['x-served-by'] ?? 'none')
          servedBy[by] = (servedBy[by] ?? 0) + 1
        }
      }]
    }, (err, result) => { if (err !== null && err !== undefined) settle?.reject(err); else settle?.resolve(result) })
    if (options.progress?.isTTY === true) {
      autocannon.track(instance, { outputStream: options.progress, renderResultsTable: false, progressBarString: `${scenario.name} [:bar] :percent` })
    }
    const started = Date.now()
    const sampler = options.rssSamples === undefined
      ? undefined
      : setInterval(() => {
        gatewayFigures(gateway).then(
          (f) => options.rssSamples?.onSample(Math.round((Date.now() - started) / 1000), f.rss),
          () => {}
        )
      }, options.rssSamples.everyMs)
    const result = await finished.finally(() => clearInterval(sampler))
    await sleep(SETTLE_MS)
    const after = await gatewayFigures(gateway)
    return {
      scenario: scenario.name,
      describe: scenario.describe,
      path: LOAD_PATH,
      durationSeconds,
      connections,
      rate: options.rate ?? null,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors + result.non2xx,
      connectionErrors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      servedBy,
      gateway: {
        rssBeforeBytes: before.rss,
        rssAfterBytes: after.rss,
        shadowsSent: after.sent - before.sent,
        shadowsDropped: after.dropped - before.dropped,
        comparisons: after.comparisons
      }
    }
  } finally {
    await gateway.stop()
  }
}
