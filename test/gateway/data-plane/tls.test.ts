/**
 * TLS at the edge: HTTPS with HTTP/2 by ALPN beside HTTP/1.1, certificates from PEM files made
 * at test time with openssl, swapped on reload while an open stream goes on.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http2 from 'node:http2'
import { tmpdir } from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { Agent, request } from 'undici'
import { parseRoutesConfig } from '../../../gateway/core/config/load-config.js'
import { buildGateway } from '../../../gateway/data-plane/build-gateway.js'
import { routesYaml } from '../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../helpers/http-server.js'

function makeCert (dir: string, name: string, cn: string): { cert: string, key: string } {
  const cert = path.join(dir, `${name}.crt`)
  const key = path.join(dir, `${name}.key`)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' })
  return { cert, key }
}

async function tlsGateway (t: Test) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-tls-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const files = makeCert(dir, 'live', 'first.test')
  const legacy = await startServer((req, res) => {
    if (req.url === '/api/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      let n = 0
      const timer = setInterval(() => {
        res.write(`data: ${++n}\n\n`)
        if (n === 6) { clearInterval(timer); res.end() }
      }, 150)
      return
    }
    namedUpstream('legacy')(req, res)
  })
  t.teardown(legacy.close)
  const config = parseRoutesConfig(routesYaml({ legacy: legacy.url, new: legacy.url, listen: { tls: files } }))
  const app = await buildGateway({ config, env: {} })
  t.teardown(() => app.close())
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url, dir, files, port: Number(new URL(url).port) }
}

/** The certificate's CN a fresh TLS connection is shown. */
async function servedCn (port: number): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      const cn = socket.getPeerCertificate().subject.CN
      socket.destroy()
      resolve(String(Array.isArray(cn) ? cn[0] : cn))
    })
    socket.once('error', reject)
  })
}

t.test('HTTP/2 by ALPN reaches the upstream (HTTP/1.1) and brings its answer back', async (t) => {
  const { url } = await tlsGateway(t)
  t.match(url, /^https:/)
  const session = http2.connect(url, { rejectUnauthorized: false })
  t.teardown(() => session.close())
  await new Promise((resolve) => session.once('connect', resolve))
  t.equal(session.alpnProtocol, 'h2')
  const stream = session.request({ ':path': '/api/chat?x=1', ':method': 'GET', 'x-custom': 'kept' })
  const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('response', resolve))
  let body = ''
  for await (const chunk of stream) body += String(chunk)
  t.equal(headers[':status'], 200)
  t.equal(headers['x-served-by'], 'legacy')
  const seen = JSON.parse(body) as { url: string, headers: Record<string, string> }
  t.equal(seen.url, '/api/chat?x=1')
  t.match(seen.headers.host, /^127\.0\.0\.1:\d+$/, ':authority became Host')
  t.equal(seen.headers['x-custom'], 'kept')
  t.equal(seen.headers['x-forwarded-proto'], 'https')
  t.notOk(Object.keys(seen.headers).some((name) => name.startsWith(':')), 'no pseudo-header reached the upstream')
})

t.test('HTTP/1.1 over TLS works on the same port', async (t) => {
  const { url } = await tlsGateway(t)
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } })
  t.teardown(() => dispatcher.close())
  const res = await request(`${url}/api/chat`, { dispatcher })
  t.equal(res.statusCode, 200)
  t.match(await res.body.json(), { upstream: 'legacy' })
})

t.test('curl --http2 -k gets HTTP/2 and the upstream\'s answer', async (t) => {
  const { url } = await tlsGateway(t)
  const { stdout } = await promisify(execFile)('curl', ['--http2', '-k', '-s', '-i', `${url}/api/chat`])
  t.match(stdout, /^HTTP\/2 200/)
  t.match(stdout, /"upstream":"legacy"/)
})

t.test('an SSE stream arrives event by event over HTTP/2, and goes on across a certificate swap', async (t) => {
  const { app, port, url, dir, files } = await tlsGateway(t)
  t.equal(await servedCn(port), 'first.test')
  const session = http2.connect(url, { rejectUnauthorized: false })
  t.teardown(() => session.close())
  const stream = session.request({ ':path': '/api/stream', ':method': 'GET' })
  const events: string[] = []
  let swapped = false
  for await (const chunk of stream) {
    events.push(...String(chunk).split('\n\n').filter((e) => e !== ''))
    if (!swapped && events.length >= 2) {
      swapped = true
      // A new certificate on disk, then a reload, as SIGHUP does.
      const next = makeCert(dir, 'next', 'second.test')
      await writeFile(files.cert, await readFile(next.cert))
      await writeFile(files.key, await readFile(next.key))
      const result = await app.gateway.reload()
      t.ok(result.ok)
      t.equal(await servedCn(port), 'second.test', 'a new connection is shown the new certificate')
    }
  }
  t.same(events, ['data: 1', 'data: 2', 'data: 3', 'data: 4', 'data: 5', 'data: 6'], 'the open stream went on to its end')
})

t.test('a certificate file that cannot be read is a clear error at start', async (t) => {
  const config = parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:9', new: 'http://127.0.0.1:9', listen: { tls: { cert: '/nonexistent/c.pem', key: '/nonexistent/k.pem' } } }))
  await t.rejects(buildGateway({ config, env: {} }), { code: 'GW_ERR_CONFIG_READ', message: /cannot read \/nonexistent\/c\.pem/ })
})
