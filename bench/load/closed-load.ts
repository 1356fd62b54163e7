/**
 * A closed-loop load at the proxy's maximum rate: `connections` clients each sending its next
 * request when the last answer is in. wrk when installed (C, one thread, so it needs less of
 * the load generator's core than the proxy needs of its own), else autocannon.
 */
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import autocannon from 'autocannon'

export interface ClosedResult {
  rps: number
  /** Latency percentiles in ms. */
  p50: number
  p99: number
  requests: number
  errors: number
}

export function hasWrk (): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (err) {
    // wrk --version prints its banner and exits 1.
    return (err as { status?: number }).status === 1
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

function toMs (text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '')
  return m === null ? NaN : Number(m[1]) * UNIT_MS[m[2]]
}

/** The figures of wrk's --latency report. */
export function parseWrk (output: string): ClosedResult {
  const field = (re: RegExp): string | undefined => re.exec(output)?.[1]
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const errors = Number(field(/Non-2xx or 3xx responses: (\d+)/) ?? 0) +
    (socketErrors === null ? 0 : socketErrors.slice(1).reduce((n, x) => n + Number(x), 0))
  return {
    rps: Number(field(/Requests\/sec:\s+([\d.]+)/)),
    p50: toMs(field(/^\s+50%\s+(\S+)/m)),
    p99: toMs(field(/^\s+99%\s+(\S+)/m)),
    requests: Number(field(/(\d+) requests in/)),
    errors
  }
}

export async function closedLoad (url: string, seconds: number, connections: number, useWrk: boolean): Promise<ClosedResult> {
  if (useWrk) {
    const { stdout } = await promisify(execFile)('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url])
    return parseWrk(stdout)
  }
  const r = await autocannon({ url, connections, duration: seconds })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, errors: r.errors + r.non2xx }
}
