import t from 'tap'
import { parseWrk } from '../../bench/load/closed-load.js'

const WRK_OUTPUT = `Running 8s test @ http://127.0.0.1:40000/api/scenarios
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.31ms  610.12us  21.04ms   90.12%
    Req/Sec    21.90k     1.02k   23.11k    78.75%
  Latency Distribution
     50%  812.00us
     75%    2.40ms
     90%    2.77ms
     99%    1.20s
  174356 requests in 8.00s, 72.17MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  21794.25
Transfer/sec:      9.02MB
`

t.test('wrk\'s latency report becomes req/s, p50/p99 in ms, requests and errors', async (t) => {
  const r = parseWrk(WRK_OUTPUT)
  t.equal(r.rps, 21794.25)
  t.equal(r.p50, 0.812)
  t.equal(r.p99, 1200)
  t.equal(r.requests, 174356)
  t.equal(r.errors, 12, 'non-2xx plus socket errors')
})

t.test('a run without errors counts none', async (t) => {
  const r = parseWrk(WRK_OUTPUT.replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, ''))
  t.equal(r.errors, 0)
})
