/**
 * An open-loop load at an even pace: request i is due at start + i/rate and its latency is
 * counted from that moment (so a stalled server cannot hide its queue: no coordinated omission).
 * autocannon's rate limits release each second's requests in one burst, which measures the
 * burst, not the server at that rate.
 *
 * `waitMs` bounds the wait for the last answers once every request is sent: a proxy stalled by
 * a slow mirror would otherwise keep the run going for as long as its queue takes. What is still
 * unanswered then counts with its latency so far (a lower bound), and as `unanswered`.
 */
import { Pool } from 'undici'

export interface PacedResult {
  /** Milliseconds from each request's due time to the end of its response body. */
  latencies: number[]
  errors: number
  /** Not answered within waitMs of the last request sent. */
  unanswered: number
}

export async function pacedLoad (url: string, rate: number, seconds: number, connections: number, waitMs = 60_000): Promise<PacedResult> {
  const target = new URL(url)
  const pool = new Pool(target.origin, { connections, pipelining: 1 })
  const path = `${target.pathname}${target.search}`
  const total = Math.round(rate * seconds)
  const latencies: number[] = []
  const open = new Set<number>()
  let errors = 0
  let destroyed = false
  const pending: Array<Promise<void>> = []
  const fire = (due: number): void => {
    open.add(due)
    pending.push(pool.request({ method: 'GET', path }).then(async (response) => {
      await response.body.dump()
      if (response.statusCode >= 400) errors++
      else latencies.push(performance.now() - due)
    }, () => { if (!destroyed) errors++ }).finally(() => open.delete(due)))
  }
  const start = performance.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) * rate / 1000) + 1)
      for (; sent < due; sent++) fire(start + sent * 1000 / rate)
      if (sent < total) setTimeout(tick, 1)
      else resolve()
    }
    tick()
  })
  let timer: NodeJS.Timeout | undefined
  const waited = await Promise.race([
    Promise.all(pending).then(() => true),
    new Promise<boolean>((resolve) => { timer = setTimeout(resolve, waitMs, false) })
  ])
  clearTimeout(timer)
  const unanswered = waited ? 0 : open.size
  if (!waited) {
    const now = performance.now()
    for (const due of open) latencies.push(now - due)
    // The destroyed pool fails them: counted as unanswered, not as errors.
    destroyed = true
    await pool.destroy()
    await Promise.allSettled(pending)
  } else {
    await pool.close()
  }
  return { latencies, errors, unanswered }
}
