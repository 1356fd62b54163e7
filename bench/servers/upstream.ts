/**
 * The benchmark upstream: a plain node:http server answering a 357-byte JSON body, or
 * BODY_BYTES of JSON when set (the memory trial's 256 KB answers), after DELAY_MS when set (a
 * slow shadow target).
 */
import http from 'node:http'

const bytes = Number(process.env.BODY_BYTES ?? 0)
const delayMs = Number(process.env.DELAY_MS ?? 0)
const body = bytes > 0
  ? JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 10)) })
  : JSON.stringify({ status: 'healthy', version: '2.0.0', checks: { database: 'N/A', llm: 'ready' }, pad: 'x'.repeat(262) })
const length = Buffer.byteLength(body)
const answer = (res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': length })
  res.end(body)
}
const server = http.createServer((req, res) => {
  req.resume()
  if (delayMs > 0) setTimeout(answer, delayMs, res)
  else answer(res)
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', 1024, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`)
})
