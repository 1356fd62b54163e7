import t from 'tap'
import { request } from 'undici'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'
import { shadowsSettled } from '../../../helpers/shadow.js'

async function metricValue (url: string, name: string, labels: string): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text()
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

t.test('a shadow backend that hangs: users are unaffected, shadows time out and are counted', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const hanging = await startServer(() => { /* never answers */ })
  t.teardown(hanging.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: hanging.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    shadow: { timeoutMs: 300, maxConcurrent: 4, maxQueue: 4 }
  })
  t.teardown(() => app.close())

  for (let i = 0; i < 5; i++) {
    const response = await request(`${url}/api/history`)
    t.equal(response.statusCode, 200, `user request ${i} answered`)
    t.equal((await response.body.json() as { upstream: string }).upstream, 'legacy')
  }
  await shadowsSettled(app)
  t.equal(await metricValue(url, 'app_shadow_requests_timed_out_total', 'feature="chat"'), 5, 'every shadow timed out and was counted')
  const summary = await app.gateway.diffStore.summary()
  t.equal(summary.features.chat.errors, 5, 'recorded as errors, not as differences')
})

t.test('a slow shadow backend under load: the queue stays bounded and drops are counted', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  // New holds every shadow until the users have all been answered: however slowly the machine
  // runs the 40 requests, the budget (2 running, 3 waiting) is full for all but the first five.
  let concurrent = 0
  let maxConcurrent = 0
  let released = false
  const held: Array<() => void> = []
  const slow = await startServer((_req, res) => {
    concurrent++
    maxConcurrent = Math.max(maxConcurrent, concurrent)
    const answer = (): void => { concurrent--; res.end('{}') }
    if (released) setTimeout(answer, 20)
    else held.push(answer)
  })
  t.teardown(slow.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: slow.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    shadow: { maxConcurrent: 2, maxQueue: 3, timeoutMs: 60_000 }
  })
  t.teardown(() => app.close())

  const responses = await Promise.all(Array.from({ length: 40 }, async () => {
    const response = await request(`${url}/api/history`)
    await response.body.text()
    return response.statusCode
  }))
  t.same(new Set(responses), new Set([200]), 'all 40 user requests answered while new held its shadows')
  const runner = app.gateway.shadow
  t.same([runner.budget.active, runner.budget.queued], [2, 3], 'two running, the queue full at its bound')
  released = true
  for (const answer of held.splice(0)) answer()
  await shadowsSettled(app)
  t.equal(maxConcurrent, 2, 'at most 2 shadows at once reached new')
  const dropped = await metricValue(url, 'app_shadow_requests_dropped_total', 'reason="budget_full"')
  const sent = await metricValue(url, 'app_shadow_requests_sent_total', 'feature="chat"')
  t.same({ sent, dropped }, { sent: 5, dropped: 35 }, 'the five the budget took were sent, every other one dropped at once')
  t.equal((await app.gateway.diffStore.summary()).features.chat.dropped, dropped, 'drops reach the diff summary')
})

t.test('a client that aborts mid-response: the shadow still completes and is compared', async (t) => {
  const big = 'x'.repeat(256 * 1024)
  const legacy = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"part":1,"pad":"')
    // The rest arrives after the client has gone.
    setTimeout(() => res.end(`${big}","end":true}`), 300)
  })
  t.teardown(legacy.close)
  const candidate = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(`{"part":1,"pad":"${big}","end":false}`)
  })
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }]
  })
  t.teardown(() => app.close())

  const controller = new AbortController()
  const response = await request(`${url}/api/history`, { signal: controller.signal })
  const iterator = response.body[Symbol.asyncIterator]()
  await iterator.next()
  controller.abort()
  await iterator.next().catch(() => {})

  await new Promise((resolve) => setTimeout(resolve, 500))
  await shadowsSettled(app)
  const { records } = await app.gateway.diffStore.list({ feature: 'chat' })
  t.equal(records.length, 1, 'the exchange was compared')
  t.same(records[0].differences.map((d) => [d.path, d.legacy, d.candidate]), [['end', true, false]],
    'legacy was read to its end after the client left')
})
