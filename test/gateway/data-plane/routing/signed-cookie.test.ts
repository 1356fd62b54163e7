import { randomUUID } from 'node:crypto'
import t from 'tap'
import { request } from 'undici'
import { createSessionCookieCodec } from '../../../../legacy-adapter/session/cookie-codec.js'
import { canaryBucket } from '../../../../gateway/data-plane/routing/canary.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

const SECRET = 'a-flask-secret-key-of-at-least-32-characters'

t.test('signed session cookies: a valid signature steers the canary, a bad one counts as no session', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const { app, url } = await startGateway({
    legacy: legacy.url,
    new: candidate.url,
    session: { signed: true, secretEnv: 'TEST_FLASK_SECRET' },
    features: { chat: { enabled: true, canary: 50 } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  }, { env: { TEST_FLASK_SECRET: SECRET } })
  t.teardown(() => app.close())

  const codec = createSessionCookieCodec({ signed: true, secret: SECRET })
  const sid = Array.from({ length: 200 }, () => randomUUID()).find((id) => canaryBucket(id) < 50) as string
  const servedBy = async (cookie: string): Promise<unknown> => {
    const response = await request(`${url}/api/chat`, { headers: { cookie: `session=${cookie}` } })
    await response.body.text()
    return response.headers['x-served-by']
  }
  t.equal(await servedBy(codec.serialize(sid)), 'new', 'signed by the legacy secret: in the canary')
  t.equal(await servedBy(sid), 'legacy', 'the bare sid without a signature: no session')
  t.equal(await servedBy(`${sid}.forgedsignature`), 'legacy', 'a forged signature: no session')
  const other = createSessionCookieCodec({ signed: true, secret: 'another-secret-of-at-least-32-characters' })
  t.equal(await servedBy(other.serialize(sid)), 'legacy', 'signed with another secret: no session')
})

t.test('signed cookies without the secret in the environment: the gateway refuses to start', async (t) => {
  await t.rejects(startGateway({ legacy: 'http://127.0.0.1:1', new: 'http://127.0.0.1:2', session: { signed: true } }),
    /FLASK_SECRET_KEY is not set/)
})
