/** Real HTTP servers on 127.0.0.1 port 0 for tests, closed by the test's teardown. */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TestServer {
  server: Server
  url: string
  port: number
  close: () => Promise<void>
}

export async function startServer (
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0
): Promise<TestServer> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const { port: bound } = server.address() as AddressInfo
  return {
    server,
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** An upstream that answers JSON naming itself, echoing method, url and body length. */
export function namedUpstream (name: string, status = 200): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let bytes = 0
    req.on('data', (chunk: Buffer) => { bytes += chunk.length })
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ upstream: name, method: req.method, url: req.url, bytes, headers: req.headers }))
    })
  }
}

/** Reserves a free port and releases it: for "upstream is down" tests. */
export async function freePort (): Promise<number> {
  const s = await startServer(() => {})
  await s.close()
  return s.port
}
