/**
 * An open-loop load at an even pace: request i is due at start + i/rate and its latency is
 * counted from that moment (so a stalled server cannot hide its queue: no coordinated omission).
 * autocannon's rate limits release each second's requests in one burst, which measures the
 * burst, not the server at that rate.
 */
import { Pool } from 'undici'

export interface PacedResult {
  /** Milliseconds from each request's due time to the end of its response body. */
  latencies: number[]
  errors: number
}

export async function pacedLoad (url: string, rate: number, seconds: number, connections: number): Promise<PacedResult> {
  const target = new URL(url)
  const pool = new Pool(target.origin, { connections, pipelining: 1 })
  const path = `${target.pathname}${target.search}`
  const total = Math.round(rate * seconds)
  const latencies: number[] = []
  let errors = 0
  const pending: Array<Promise<void>> = []
  const fire = (due: number): void => {
    pending.push(pool.request({ method: 'GET', path }).then(async (response) => {
      await response.body.dump()
      if (response.statusCode >= 400) errors++
      else latencies.push(performance.now() - due)
    }, () => { errors++ }))
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
  await Promise.all(pending)
  await pool.close()
  return { latencies, errors }
}
