/**
 * The embedded default's arrangement: the gateway keeps snapshots in its own memory and the new
 * services, sharing no Redis with it, reach them through the gateway's snapshot routes
 * (SHADOW_SNAPSHOT_URL). A conversation is compared as with Redis; the routes refuse what is not
 * a result of a live snapshot.
 */
import t from 'tap'
import { request } from 'undici'
import { SNAPSHOT_ROUTES_PREFIX } from '../../../../gateway/data-plane/shadow/snapshot-routes.js'
import type { SnapshotStore } from '@strangler-gateway/flask-session'
import { createHttpSnapshotStore } from '../../../../new-services/session/shadow-snapshot.js'
import { shadowsSettled } from '../../../helpers/shadow.js'
import { CONVERSATION, post, seedSession, startStack } from './stateful-stack.js'

const SID = 'c0ffee00-0000-4000-8000-000000000004'

t.test('new services read snapshots and write results through the gateway', async (t) => {
  // The gateway's address is known only once it listens.
  const bridge: { store?: Pick<SnapshotStore, 'get' | 'put'> } = {}
  const lazy: Pick<SnapshotStore, 'get' | 'put'> = {
    get: async (key) => await (bridge.store as typeof lazy).get(key),
    put: async (key, value, ttlMs) => { await (bridge.store as typeof lazy).put(key, value, ttlMs) }
  }
  const stack = await startStack(t, { shadow: 'stateful', newSnapshots: lazy })
  bridge.store = createHttpSnapshotStore(`${stack.url}${SNAPSHOT_ROUTES_PREFIX}/`)
  await seedSession(stack.dir, SID)
  for (const [url, body] of CONVERSATION) {
    t.equal((await post(`${stack.url}${url}`, SID, body)).status, 200, `${url} answered`)
    await shadowsSettled(stack.gateway)
  }
  t.match((await stack.gateway.gateway.diffStore.summary()).features.chat, { equal: 4, different: 0, dropped: 0 }, 'every turn compared, all four equal (both store the legacy persona prompt)')
  const memory = stack.gateway.gateway.shadow.stateful?.snapshots() as unknown as { size: number }
  t.equal(memory.size, 0, 'nothing is left in the gateway\'s memory')

  const base = `${stack.url}${SNAPSHOT_ROUTES_PREFIX}`
  const status = async (path: string, method: 'GET' | 'PUT' = 'GET'): Promise<number> => {
    const response = await request(`${base}/${path}`, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/octet-stream' }, body: 'x' })
    await response.body.dump()
    return response.statusCode
  }
  t.equal(await status('req-1.0123456789abcdef01234567'), 404, 'no such snapshot')
  t.equal(await status('req-1.0123456789abcdef01234567:result', 'PUT'), 404, 'no result for a snapshot that does not exist')
  t.equal(await status('req-1.0123456789abcdef01234567', 'PUT'), 400, 'only results can be written')
})
