/** The benchmark upstream: a plain node:http server answering a 357-byte JSON body. */
import http from 'node:http'

const body = JSON.stringify({ status: 'healthy', version: '2.0.0', checks: { database: 'N/A', llm: 'ready' }, pad: 'x'.repeat(262) })
const server = http.createServer((req, res) => {
  req.resume()
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`)
})
