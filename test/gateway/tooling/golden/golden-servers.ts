/**
 * The servers the golden tests run against: the legacy stand-in and the new services, each with
 * its own Flask-Session directory (so the recorder and the verifier each read their own), and a
 * proxy in front of a target that deliberately changes one JSON field of one path.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { request } from 'undici'
import { buildLegacyStandIn } from '../../../../legacy-adapter/stand-in/app.js'
import { buildNewServices } from '../../../../new-services/app.js'
import { startServer } from '../../../helpers/http-server.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface Backend { url: string, sessionDir: string }

async function sessionDir (t: Teardown, name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `golden-${name}-`))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  return dir
}

export async function startStandIn (t: Teardown): Promise<Backend> {
  const dir = await sessionDir(t, 'legacy')
  const app = await buildLegacyStandIn({ sessionDir: dir })
  t.teardown(async () => await app.close())
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), sessionDir: dir }
}

export async function startNewServices (t: Teardown): Promise<Backend> {
  const dir = await sessionDir(t, 'new')
  const app = await buildNewServices({ session: { mode: 'filesystem', dir }, env: {}, llm: { mode: 'offline' } })
  t.teardown(async () => await app.close())
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), sessionDir: dir }
}

/** Forwards everything to `target`; on `changePath` sets `field` of the JSON answer to `value`. */
export async function startChangingProxy (t: Teardown, target: string, changePath: string, field: string, value: unknown): Promise<string> {
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers = { ...req.headers }
      delete headers.host
      request(new URL(req.url ?? '/', target), { method: req.method as 'GET', headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined })
        .then(async (upstream) => {
          let body = Buffer.from(await upstream.body.arrayBuffer())
          if (req.url === changePath) {
            const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>
            json[field] = value
            body = Buffer.from(JSON.stringify(json))
          }
          const out = { ...upstream.headers }
          delete out['content-length']
          delete out['transfer-encoding']
          res.writeHead(upstream.statusCode, out)
          res.end(body)
        })
        .catch((err: Error) => { res.writeHead(502); res.end(err.message) })
    })
  })
  t.teardown(server.close)
  return server.url
}
