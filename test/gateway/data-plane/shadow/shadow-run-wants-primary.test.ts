import pino from 'pino'
import Fastify from 'fastify'
import t from 'tap'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { createMemoryDiffStore } from '../../../../gateway/analysis/diff-store/memory-diff-store.js'
import { createUpstream } from '../../../../gateway/data-plane/proxy/upstream-pool.js'
import { createShadowRunner, type ShadowTarget } from '../../../../gateway/data-plane/shadow/shadow-runner.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { startServer } from '../../../helpers/http-server.js'

// What the proxy asks when the user goes away: does a shadow still need legacy's answer?
t.test('a shadow wants legacy\'s answer until its pair is compared, and not after a snapshot it could not store', async (t) => {
  const candidate = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  const config = parseRoutesConfig(routesYaml({
    legacy: candidate.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }))
  const upstream = createUpstream('new', config.upstreams.new)
  t.teardown(async () => { await upstream.pool.close(); await candidate.close() })
  const store = createMemoryDiffStore()
  const gateway = Fastify()
  t.teardown(async () => await gateway.close())
  const runner = createShadowRunner({ gateway, store, log: pino({ level: 'silent' }), budget: config.shadow })
  const target: ShadowTarget = {
    feature: 'chat',
    route: '/api/chat',
    method: 'POST',
    url: '/api/chat',
    requestId: 'req-1',
    sessionId: null,
    compare: config.features.chat.compare,
    budget: config.shadow,
    candidate: upstream,
    legacy: upstream,
    mode: 'stateless'
  }
  const call = { method: 'POST', path: '/api/chat', headers: {}, body: Buffer.from('{}') }

  const stateless = runner.start(target, call)
  if (stateless === null) throw new Error('the budget refused the shadow')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(stateless.wantsPrimary(), true, 'new has answered; legacy\'s answer is still wanted')
  stateless.primary({ status: 200, headers: { 'content-type': 'application/json' }, captured: Promise.resolve({ body: Buffer.from('{}'), truncated: false, failed: false }), startedAt: performance.now() })
  await runner.idle()
  t.equal(stateless.wantsPrimary(), false, 'compared: nothing wants it any more')
  t.equal((await store.summary()).features.chat.equal, 1)

  const unstored = runner.start({
    ...target,
    mode: 'stateful',
    stateful: { key: 'snap-1', stored: Promise.resolve(false), headers: {}, primaryAnswered: () => {}, sessions: async () => 'snapshot_failed', cleanup: async () => {} }
  }, call)
  if (unstored === null) throw new Error('the budget refused the shadow')
  await runner.idle()
  t.equal(unstored.wantsPrimary(), false, 'the snapshot could not be stored: the shadow ended without legacy\'s answer')
  t.equal((await store.summary()).features.chat.dropped, 1, 'and was counted as dropped')
})
