/**
 * Reload-safe pools: a snapshot retired by a reload keeps its upstream pools open while a request
 * (or a shadow) that took it is still running, and closes them once the last one has ended, or
 * when the grace runs out.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import t, { type Test } from 'tap'
import { request, type Pool } from 'undici'
import { buildGateway } from '../../../gateway/data-plane/build-gateway.js'
import { createConfigHolder } from '../../../gateway/data-plane/config-holder.js'
import { parseRoutesConfig } from '../../../gateway/core/config/load-config.js'
import { createMemoryOverrideStore } from '../../../gateway/data-plane/overrides/override-store.js'
import { routesYaml } from '../../helpers/gateway.js'
import { namedUpstream, startServer, type TestServer } from '../../helpers/http-server.js'
import { shadowsSettled } from '../../helpers/shadow.js'

const PIECE = 1024
const PIECES = 6
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** A test server that also counts its requests and the connections still open to it. */
interface Upstream extends TestServer {
  requests: number
  openConnections: number
}

async function upstream (t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const counted = (req: IncomingMessage, res: ServerResponse): void => {
    server.requests++
    handler(req, res)
  }
  const started = await startServer(counted)
  const server: Upstream = Object.assign(started, { requests: 0, openConnections: 0 })
  started.server.on('connection', (socket) => {
    server.openConnections++
    socket.once('close', () => { server.openConnections-- })
  })
  t.teardown(started.close)
  return server
}

async function until (what: string, check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** A chunked body: one piece now, the rest 150 ms apart once `gate` resolves (about 1 s in all). */
function slowBody (gate: Promise<void>): Readable {
  return Readable.from((async function * () {
    yield Buffer.alloc(PIECE, 'a')
    await gate
    for (let i = 1; i < PIECES; i++) {
      await sleep(150)
      yield Buffer.alloc(PIECE, 'a')
    }
  })())
}

interface Stand {
  app: FastifyInstance
  url: string
  a: { legacy: Upstream, new: Upstream }
  b: { legacy: Upstream, new: Upstream }
  /** Rewrites routes.yaml with both upstream URLs on the B servers and reloads. */
  reloadToB: () => Promise<void>
  /** The pools of the snapshot running now. */
  pools: () => { legacy: Pool, new: Pool }
}

async function stand (t: Test, extra: Record<string, unknown> = {}, handlers: { newA?: (req: IncomingMessage, res: ServerResponse) => void } = {}): Promise<Stand> {
  const a = { legacy: await upstream(t, namedUpstream('legacy-a')), new: await upstream(t, handlers.newA ?? namedUpstream('new-a')) }
  const b = { legacy: await upstream(t, namedUpstream('legacy-b')), new: await upstream(t, namedUpstream('new-b')) }
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-reload-pools-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'routes.yaml')
  const yaml = (to: { legacy: Upstream, new: Upstream }): string => routesYaml({
    legacy: to.legacy.url,
    new: to.new.url,
    features: { upload: { enabled: true, canary: 100 }, items: { enabled: false, shadow: { sample: 100 } } },
    routes: [{ path: '/api/upload', feature: 'upload' }, { path: '/api/items', feature: 'items' }],
    ...extra
  })
  await writeFile(file, yaml(a))
  const app = await buildGateway({ configFile: file, env: {} })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return {
    app,
    url,
    a,
    b,
    async reloadToB () {
      await writeFile(file, yaml(b))
      const result = await app.gateway.reload()
      if (!result.ok) throw new Error(`reload rejected: ${result.problems.join('; ')}`)
    },
    pools () {
      const { upstreams } = app.gateway.holder.current()
      return { legacy: upstreams.legacy.pool, new: upstreams.new.pool }
    }
  }
}

/** Starts a slow POST to /api/upload; resolves once the gateway's handler is running it. */
async function startUpload (s: Stand, signal?: AbortSignal): Promise<{ response: Promise<Awaited<ReturnType<typeof request>>>, sendRest: () => void }> {
  let sendRest!: () => void
  const gate = new Promise<void>((resolve) => { sendRest = resolve })
  const arrived = new Promise((resolve) => s.app.server.once('request', resolve))
  const response = request(`${s.url}/api/upload`, { method: 'POST', body: slowBody(gate), signal })
  response.catch(() => {})
  await arrived
  // The handler has taken its snapshot and is reading the body.
  await sleep(100)
  return { response, sendRest }
}

t.test('(1) a slow upload started before a reload that moves both upstreams is answered by the old one', async (t) => {
  const s = await stand(t)
  const upload = await startUpload(s)
  await s.reloadToB()
  upload.sendRest()
  const response = await upload.response
  const body = await response.body.json() as { upstream: string, bytes: number }
  t.equal(response.statusCode, 200)
  t.equal(response.headers['x-served-by'], 'new', 'not legacy-fallback')
  t.equal(body.upstream, 'new-a', 'the old new upstream answered')
  t.equal(body.bytes, PIECE * PIECES, 'the whole body arrived')
  t.equal(s.a.legacy.requests + s.b.legacy.requests + s.b.new.requests, 0, 'no other upstream was called')
})

t.test('(2) the retired pools close once the request that held them has ended', async (t) => {
  const s = await stand(t)
  const old = s.pools()
  const upload = await startUpload(s)
  await s.reloadToB()
  t.notOk(old.new.closed, 'the old new pool stays open while the upload is in flight')
  t.notOk(old.legacy.closed, 'the old legacy pool too (it is the fallback)')
  upload.sendRest()
  const response = await upload.response
  t.equal(response.statusCode, 200)
  await response.body.dump()
  t.equal(s.a.new.requests, 1)
  // Well inside the pool's 4 s keep-alive: it is the close that ends the connection, not idling.
  await until('the old new pool to close its connection', () => s.a.new.openConnections === 0, 1_000)
  t.pass('the old new upstream saw its connection closed')
  await until('the old pools to be closed', () => old.new.destroyed && old.legacy.destroyed, 1_000)
  t.ok(old.new.closed && old.legacy.closed, 'both retired pools are closed')
  t.notOk(s.pools().new.closed, 'the running snapshot\'s pool is open')
})

t.test('(3) a request after the reload goes to the new upstream while the old upload finishes on the old one', async (t) => {
  const s = await stand(t)
  const upload = await startUpload(s)
  await s.reloadToB()
  const fresh = await request(`${s.url}/api/upload`, { method: 'POST', body: 'hello' })
  t.equal(fresh.statusCode, 200)
  t.equal(fresh.headers['x-served-by'], 'new')
  t.equal((await fresh.body.json() as { upstream: string }).upstream, 'new-b', 'the new request goes to the new upstream')
  upload.sendRest()
  const response = await upload.response
  t.equal(response.statusCode, 200)
  t.equal((await response.body.json() as { upstream: string }).upstream, 'new-a', 'the upload still finishes on the old upstream')
  const again = await request(`${s.url}/api/upload`, { method: 'POST', body: 'again' })
  t.equal((await again.body.json() as { upstream: string }).upstream, 'new-b')
  t.equal(s.a.new.requests, 1, 'the old upstream served only the upload')
  t.equal(s.b.new.requests, 2)
})

t.test('(4) an upload its client abandons after the reload releases the old pools', async (t) => {
  const s = await stand(t)
  const old = s.pools()
  const controller = new AbortController()
  const upload = await startUpload(s, controller.signal)
  await s.reloadToB()
  t.notOk(old.new.closed, 'held while the upload runs')
  controller.abort()
  await t.rejects(upload.response)
  await until('the old pools to be closed', () => old.new.closed && old.legacy.closed, 1_000)
  t.pass('the aborted request released its snapshot')
  t.equal(s.a.new.requests + s.b.new.requests, 0, 'nothing was forwarded')
})

t.test('(5) an upload that fails (body over the limit) releases the old pools', async (t) => {
  const s = await stand(t, { limits: { bodyBytes: PIECE * 3 } })
  const old = s.pools()
  const upload = await startUpload(s)
  await s.reloadToB()
  t.notOk(old.new.closed, 'held while the upload runs')
  upload.sendRest()
  const response = await upload.response.catch(() => null)
  // The gateway answers 413 and closes the connection; the client may see either.
  if (response !== null) {
    t.equal(response.statusCode, 413)
    await response.body.dump().catch(() => {})
  }
  await until('the old pools to be closed', () => old.new.closed && old.legacy.closed, 2_000)
  t.pass('the failed request released its snapshot')
})

t.test('(6) a shadow still queued at the reload runs on the old candidate pool, which closes after it', async (t) => {
  let releaseFirst: (() => void) | undefined
  const newA = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume()
    const answer = (): void => { res.end('{"name":"new"}') }
    if (releaseFirst === undefined) releaseFirst = answer
    else answer()
  }
  const s = await stand(t, { shadow: { maxConcurrent: 1, maxQueue: 4 } }, { newA })
  const old = s.pools()
  for (let i = 0; i < 2; i++) {
    const response = await request(`${s.url}/api/items`)
    t.equal(response.headers['x-served-by'], 'legacy')
    await response.body.dump()
  }
  await until('the first shadow to be held and the second queued', () => releaseFirst !== undefined && s.app.gateway.shadow.budget.queued === 1)
  await s.reloadToB()
  t.notOk(old.new.closed, 'the queued shadow holds the old candidate pool')
  releaseFirst?.()
  await shadowsSettled(s.app)
  t.equal(s.a.new.requests, 2, 'both shadows reached the old candidate')
  t.equal(s.b.new.requests, 0)
  await until('the old pools to be closed', () => old.new.closed && old.legacy.closed, 1_000)
  t.pass('closed once the last shadow ended')
})

t.test('(7) a retired snapshot still held when the grace runs out has its pools closed anyway', async (t) => {
  const a = await upstream(t, namedUpstream('a'))
  const b = await upstream(t, namedUpstream('b'))
  const config = (to: Upstream): ReturnType<typeof parseRoutesConfig> => parseRoutesConfig(routesYaml({ legacy: to.url, new: to.url }))
  const warnings: Array<Record<string, unknown>> = []
  const log = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(JSON.parse(line) as Record<string, unknown>) } })
  const holder = createConfigHolder({ config: config(a), overrides: createMemoryOverrideStore(), env: {}, log, retireGraceMs: 150 })
  t.teardown(() => holder.close())

  const leaked = holder.acquire()
  const held = holder.acquire()
  const old = leaked.snapshot.upstreams.new.pool
  holder.replace(config(b))
  held.release()
  await sleep(50)
  t.notOk(old.closed, 'still held: open')
  await until('the grace to run out', () => old.closed, 1_000)
  t.match(warnings, [{ msg: /still held/, version: 1, holds: 1 }], 'the overstay is logged')
  leaked.release()
  t.notOk(holder.current().upstreams.new.pool.closed, 'a late release closes nothing else')

  const lease = holder.acquire()
  const current = lease.snapshot.upstreams.new.pool
  holder.replace(config(b))
  t.equal(holder.current().upstreams.new.pool, current, 'an unchanged upstream keeps its pool across a reload')
  lease.release()
  t.notOk(current.closed, 'a pool the running snapshot uses is never closed')
})
