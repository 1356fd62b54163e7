/**
 * The perf command's verdict against controlled backends with a fixed artificial delay: a
 * backend twice as slow fails the 1.1x p95 rule, an equally fast one passes. Only verdicts are
 * asserted, never timings by themselves.
 */
import t from 'tap'
import { startServer } from '../../../helpers/http-server.js'
import type { PerfResult } from '../../../../gateway/tooling/perf/run-perf.js'
import { runCli } from '../../../helpers/run-cli.js'

// Long enough that scheduling stalls on a shared 2-core machine (tens of ms under a load average
// of 5-7, measured) cannot decide a verdict: equal backends measured 0.98-1.04, 2x slower 1.75-1.98.
const BASE_DELAY_MS = 200

async function delayed (t: { teardown: (fn: () => unknown) => void }, delayMs: number, status = 200): Promise<string> {
  const server = await startServer((req, res) => {
    req.resume()
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end('{"ok":true}')
    }, delayMs)
  })
  t.teardown(server.close)
  return server.url
}

const perf = async (baseline: string, candidate: string, ...extra: string[]): Promise<{ code: number, result: PerfResult }> => {
  const run = await runCli(['perf', '--baseline', baseline, '--candidate', candidate, '--path', '/api/models', '--json', ...extra])
  return { code: run.code, result: JSON.parse(run.out) as PerfResult }
}

t.test('a backend made 2x slower fails the 1.1x rule', async (t) => {
  const { code, result } = await perf(await delayed(t, BASE_DELAY_MS), await delayed(t, 2 * BASE_DELAY_MS))
  t.equal(result.verdict, 'fail')
  t.equal(code, 1, 'exit code 1')
  t.match(result.reasons, [/^new p95 .* > 1\.1 x baseline p95/])
  t.same([result.requests, result.concurrency, result.threshold], [100, 10, 1.1], 'the seed\'s defaults: 100 requests, 10 workers')
  t.same([result.baseline.requests, result.candidate.requests, result.baseline.errors, result.candidate.errors], [100, 100, 0, 0])
})

t.test('equal backends pass', async (t) => {
  const { code, result } = await perf(await delayed(t, BASE_DELAY_MS), await delayed(t, BASE_DELAY_MS), '--requests', '400', '--concurrency', '20')
  t.equal(result.verdict, 'pass', `p95 ratio ${result.p95Ratio}`)
  t.equal(code, 0)
  t.same(result.reasons, [])
})

t.test('a fast new service that answers errors fails', async (t) => {
  const { code, result } = await perf(await delayed(t, BASE_DELAY_MS), await delayed(t, 0, 500), '--requests', '20')
  t.equal(result.verdict, 'fail')
  t.equal(code, 1)
  t.match(result.reasons, [/new answered 20 of 20 requests with an error/])
})

t.test('the table for people, and bad numbers are usage errors', async (t) => {
  const url = await delayed(t, 1)
  const run = await runCli(['perf', '--baseline', url, '--candidate', url, '--requests', '20', '--concurrency', '2', '--threshold', '100'])
  t.equal(run.code, 0)
  t.match(run.out, /SIDE +URL +REQUESTS +ERRORS +P50 +P95 +P99/)
  t.match(run.out, /^baseline .*\/api\/categorized_scenarios +20 +0 /m, 'the default path')
  t.match(run.out, /^PASS$/m)
  for (const bad of [['--requests', '0'], ['--concurrency', 'ten'], ['--threshold', '-1']]) {
    const usage = await runCli(['perf', '--baseline', url, '--candidate', url, ...bad])
    t.equal(usage.code, 2, `${bad.join(' ')} is a usage error`)
  }
})
