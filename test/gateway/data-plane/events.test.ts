import diagnosticsChannel from 'node:diagnostics_channel'
import t from 'tap'
import { request } from 'undici'
import { channelName, subscribe } from '../../../gateway/data-plane/events.js'
import { startGateway } from '../../helpers/gateway.js'
import { freePort, namedUpstream, startServer } from '../../helpers/http-server.js'

t.test('a subscriber hears its own gateway only, and stops hearing it when that gateway closes', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  // Nothing listens on this port: every call to new fails and legacy answers instead.
  const dead = `http://127.0.0.1:${await freePort()}`
  const routes = { legacy: legacy.url, new: dead, features: { chat: { enabled: true, canary: 100 } }, routes: [{ path: '/api/*', feature: 'chat' }] }
  const first = await startGateway(routes)
  const second = await startGateway(routes)

  const heard: Array<{ gateway: string, cause: string }> = []
  subscribe(first.app, 'fallback', ({ cause }) => heard.push({ gateway: 'first', cause }))
  const errors: string[] = []
  subscribe(first.app, 'upstream-error', ({ upstream, code }) => errors.push(`${upstream} ${code}`))

  for (const url of [first.url, second.url]) {
    const res = await request(`${url}/api/chat`)
    t.equal(res.headers['x-served-by'], 'legacy-fallback')
    await res.body.dump()
  }
  t.same(heard, [{ gateway: 'first', cause: 'GW_ERR_UPSTREAM_UNREACHABLE' }], "the first gateway's fallback, not the second's")
  t.same(errors, ['new GW_ERR_UPSTREAM_UNREACHABLE'])

  const channel = diagnosticsChannel.channel(channelName('fallback'))
  await second.app.close()
  t.ok(channel.hasSubscribers, "the first gateway's subscribers are still there")
  await first.app.close()
  t.notOk(channel.hasSubscribers, 'closing each gateway ended its subscriptions, its metrics included')
})
