/** A node:http server on 127.0.0.1:0 that records requests and answers with a test's handler. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

export type FakeHandler = (request: RecordedRequest, res: http.ServerResponse) => void

export async function startFakeServer (t: { teardown (fn: () => unknown): void }, handler: FakeHandler): Promise<{ url: string, requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      requests.push(recorded)
      handler(recorded, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

export async function collect (stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const piece of stream) out.push(piece)
  return out
}
