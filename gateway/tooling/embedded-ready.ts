/**
 * For `npm start` (embedded.ts): waits until every process of the embedded default answers, so
 * its ready line is true when it is printed, and says which one does not when it never does.
 */

export interface Endpoint {
  /** Who answers, as the user knows it: "gateway", "legacy stand-in", "new services". */
  name: string
  /** The URL that must answer 200. */
  url: string
}

export interface EndpointAnswer extends Endpoint {
  ok: boolean
  /** `HTTP 200`, `HTTP 503: <reasons>`, or the connection error's code. */
  detail: string
}

const PROBE_TIMEOUT_MS = 1_000

/** One GET; never throws. A JSON body's `reasons` (the gateway's /ready) goes into the detail. */
export async function probe (endpoint: Endpoint): Promise<EndpointAnswer> {
  try {
    const response = await fetch(endpoint.url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    const text = await response.text()
    let detail = `HTTP ${response.status}`
    if (!response.ok) {
      try {
        const reasons = (JSON.parse(text) as { reasons?: unknown }).reasons
        if (Array.isArray(reasons) && reasons.length > 0) detail += `: ${reasons.join('; ')}`
      } catch {}
    }
    return { ...endpoint, ok: response.status === 200, detail }
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause
    return { ...endpoint, ok: false, detail: cause?.code ?? (err as Error).name }
  }
}

export interface WaitOptions {
  /** Give up after this long; the answers then say who did not answer. */
  timeoutMs: number
  intervalMs?: number
  signal?: AbortSignal
}

/**
 * Probes every endpoint until all answer 200 at once, or `timeoutMs` has passed, or `signal`
 * aborts. Returns whether they all did, and each one's last answer.
 */
export async function waitUntilAnswering (endpoints: Endpoint[], options: WaitOptions): Promise<{ ok: boolean, answers: EndpointAnswer[] }> {
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    const answers = await Promise.all(endpoints.map(probe))
    if (answers.every((a) => a.ok)) return { ok: true, answers }
    if (Date.now() >= deadline || options.signal?.aborted === true) return { ok: false, answers }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250))
  }
}
