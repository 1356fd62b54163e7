/**
 * The shadow runner at shutdown (abandonAll, which runtime/server.ts calls on SIGTERM), in process:
 * queued and running shadows are dropped with reason `shutdown` and counted once, their calls to
 * new are aborted, later ones are dropped too, and nothing is compared afterwards.
 */
import t from 'tap'
import { request } from 'undici'
import { subscribe, type DropReason } from '../../../../gateway/data-plane/events.js'
import { startGateway } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'

t.test('abandonAll drops running and queued shadows once, aborts their calls, and drops later ones', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  // New holds every shadow until released; it notes when the gateway hangs up on one.
  const held: Array<() => void> = []
  let hungUp = 0
  const hangUps = (): number => hungUp
  const candidate = await startServer((_req, res) => {
    res.on('close', () => { if (!res.writableEnded) hungUp++ })
    held.push(() => res.end('{}'))
  })
  t.teardown(async () => {
    for (const answer of held.splice(0)) answer()
    await candidate.close()
  })
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { shadow: { sample: 100 } } },
    routes: [{ path: '/api/*', feature: 'chat' }],
    shadow: { maxConcurrent: 2, maxQueue: 3, timeoutMs: 60_000 }
  })
  t.teardown(() => app.close())
  const drops: DropReason[] = []
  let compared = 0
  subscribe(app, 'shadow-dropped', ({ reason }) => drops.push(reason))
  subscribe(app, 'shadow-compared', () => { compared++ })
  const get = async (): Promise<number> => {
    const response = await request(`${url}/api/history`)
    await response.body.dump()
    return response.statusCode
  }

  for (let i = 0; i < 5; i++) t.equal(await get(), 200)
  const runner = app.gateway.shadow
  for (let waited = 0; held.length < 2 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
  t.same([runner.budget.active, runner.budget.queued, held.length], [2, 3, 2], 'two at new, three queued')

  t.equal(runner.abandonAll(), 5, 'five abandoned')
  t.same(drops, ['shutdown', 'shutdown', 'shutdown', 'shutdown', 'shutdown'], 'each dropped once, with reason shutdown')
  const idle = await Promise.race([runner.idle().then(() => 'idle'), new Promise((resolve) => setTimeout(() => resolve('still busy'), 1_000))])
  t.equal(idle, 'idle', 'the budget empties at once, without waiting for new')
  for (let waited = 0; hangUps() < 2 && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(hangUps(), 2, 'both calls in flight to new were aborted')

  t.equal(await get(), 200, 'users are still served')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.same(drops.length, 6, 'and a shadow planned after abandonAll is dropped too')
  t.equal(drops[5], 'shutdown')
  t.equal(runner.abandonAll(), 0, 'nothing left to abandon')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(compared, 0, 'no pair compared after the abandon')
  t.equal((await app.gateway.diffStore.summary()).features.chat.dropped, 6, 'the diff store counts each drop once')
  const metrics = await (await request(`${url}/metrics`)).body.text()
  t.match(metrics, /app_shadow_requests_dropped_total\{feature="chat",reason="shutdown"\} 6/)
})
