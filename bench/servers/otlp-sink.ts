/**
 * A stand-in OTLP/HTTP collector for benchmarks: takes `POST /v1/traces` (JSON), counts the spans
 * it was sent, and answers `GET /stats` with `{ exports, spans }`.
 */
import http from 'node:http'

let exports = 0
let spans = 0
const server = http.createServer((req, res) => {
  let text = ''
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => { text += chunk })
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exports, spans }))
      return
    }
    exports++
    // Counting is enough: one `"spanId"` per span in the OTLP JSON body.
    spans += text.split('"spanId"').length - 1
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`)
})
