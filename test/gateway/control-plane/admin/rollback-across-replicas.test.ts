/**
 * Issue 7's "must show": separate gateway processes sharing one real Redis. A rollback sent to
 * one reaches the other within a second (measured); a replica started later, or restarted,
 * starts with it; a request in flight during the rollback finishes, the next go to legacy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import t from 'tap'
import { request } from 'undici'
import { routesYaml } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { REDIS_URL, requireRedis, uniquePrefix } from '../../../helpers/requirements.js'
import { spawnReplica } from './spawn-replica.js'

const TOKEN = 'replica-test-token'
const auth = { authorization: `Bearer ${TOKEN}` }

async function servedBy (url: string, path = '/api/chat/ping'): Promise<string> {
  const res = await request(`${url}${path}`)
  await res.body.dump()
  return String(res.headers['x-served-by'])
}

t.test('rollback across gateway processes sharing Redis', async (t) => {
  if (!await requireRedis(t)) return
  const keyPrefix = uniquePrefix('replicas')
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(`${keyPrefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  // New holds /api/chat/slow until the test releases it: a request in flight during the rollback.
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  let slowArrived: () => void = () => {}
  const slowSeen = new Promise<void>((resolve) => { slowArrived = resolve })
  const fresh = namedUpstream('new')
  const candidate = await startServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/api/chat/slow') return fresh(req, res)
    slowArrived()
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('started;')
    released.then(() => res.end('finished'), () => {})
  })
  t.teardown(() => candidate.close())
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(() => legacy.close())

  const dir = await mkdtemp(join(tmpdir(), 'sg-replicas-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const routesFile = join(dir, 'routes.yaml')
  await writeFile(routesFile, routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100 }, watch: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat/*', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
  }))
  const env = { ROUTES_FILE: routesFile, REDIS_URL, GATEWAY_REDIS_PREFIX: keyPrefix, GATEWAY_ADMIN_TOKEN: TOKEN }
  const [a, b] = await Promise.all([spawnReplica(env), spawnReplica(env)])
  t.teardown(() => a.stop())
  t.teardown(() => b.stop())
  t.equal(await servedBy(a.url), 'new')
  t.equal(await servedBy(b.url), 'new')

  // Warm both admin paths, so the measurement below is propagation, not a cold start.
  for (const replica of [a, b]) await (await request(`${replica.url}/admin/flags`, { headers: auth })).body.dump()

  const inFlight = request(`${b.url}/api/chat/slow`)
  await slowSeen

  const started = performance.now()
  const rollback = await request(`${a.url}/admin/rollback`, { method: 'POST', headers: auth })
  const acknowledgedMs = performance.now() - started
  t.equal(rollback.statusCode, 200)
  t.match(await rollback.body.json(), { rolledBack: ['chat', 'watch'] })
  let polls = 0
  while (await servedBy(b.url) !== 'legacy') {
    polls++
    if (performance.now() - started > 5_000) break
  }
  const elapsedMs = performance.now() - started
  t.ok(elapsedMs < 1000, `replica B served legacy ${elapsedMs.toFixed(1)} ms after the rollback was sent to A (A answered after ${acknowledgedMs.toFixed(1)} ms; ${polls} polls of B still saw new)`)
  t.equal(await servedBy(b.url, '/api/watch/x'), 'legacy')
  t.equal(await servedBy(a.url), 'legacy')

  release()
  const slow = await inFlight
  t.equal(slow.statusCode, 200)
  t.equal(slow.headers['x-served-by'], 'new', 'the request in flight stays with the upstream it started on')
  t.equal(await slow.body.text(), 'started;finished', 'and finishes')
  t.equal(await servedBy(b.url, '/api/chat/slow'), 'legacy', 'the next request goes to legacy')

  const audit = await request(`${b.url}/admin/audit`, { headers: auth })
  t.match(await audit.body.json(), { entries: [{ action: 'rollback.all', who: { tokenId: /^[0-9a-f]{8}$/ } }] }, 'the audit trail is shared')

  const late = await spawnReplica(env)
  t.teardown(() => late.stop())
  t.equal(await servedBy(late.url), 'legacy', 'a replica started after the rollback starts with it')
  const flags = await request(`${late.url}/admin/flags`, { headers: auth })
  t.match(await flags.body.json(), { features: { chat: { enabled: false, canary: 0, source: { enabled: 'admin', canary: 'admin' } } } })

  await a.stop()
  const restarted = await spawnReplica(env)
  t.teardown(() => restarted.stop())
  t.equal(await servedBy(restarted.url), 'legacy', 'a restarted replica keeps the rollback')

  // And back on from the restarted one: the others follow.
  const on = await request(`${restarted.url}/admin/flags/chat`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ enabled: true, canary: 100 }) })
  t.equal(on.statusCode, 200)
  await on.body.dump()
  const onStarted = performance.now()
  while (await servedBy(late.url) !== 'new' && performance.now() - onStarted < 5_000);
  t.ok(performance.now() - onStarted < 1000, 'turning it back on propagates too')
})
