/**
 * The reference: the least a Node reverse proxy can be, node:http in front of an undici Pool,
 * with no routing, headers rules, metrics or logs. What the gateway's live path is measured against.
 */
import http from 'node:http'
import { Pool } from 'undici'

const pool = new Pool(process.env.UPSTREAM as string, { connections: 128, pipelining: 1 })
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding']
const server = http.createServer((req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  pool.request({ method: req.method as 'GET', path: req.url ?? '/', headers: req.headers, body: hasBody ? req : null })
    .then(({ statusCode, headers, body }) => {
      for (const name of HOP_BY_HOP) delete headers[name]
      res.writeHead(statusCode, headers as http.OutgoingHttpHeaders)
      body.pipe(res)
    }, () => { res.writeHead(502).end() })
})
server.keepAliveTimeout = 65_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`)
})
// The profiler (--cpu-prof) writes its file on a normal exit only.
process.once('SIGTERM', () => process.exit(0))
