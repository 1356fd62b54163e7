import t from 'tap'
import { request } from 'undici'
import { freePort, startServer } from '../../../helpers/http-server.js'
import { startGateway } from '../../../helpers/gateway.js'

t.test('an upstream that does not answer in time gives 504 with the code', async (t) => {
  const hanging = await startServer(() => { /* never answers */ })
  t.teardown(hanging.close)
  const { app, url } = await startGateway({
    legacy: hanging.url,
    new: hanging.url,
    upstreams: { legacy: { url: hanging.url, timeouts: { headersMs: 200 } }, new: { url: hanging.url } }
  })
  t.teardown(() => app.close())
  const response = await request(`${url}/slow`)
  t.equal(response.statusCode, 504)
  t.match(await response.body.json(), { code: 'GW_ERR_UPSTREAM_TIMEOUT', message: /legacy did not answer within 200 ms/ })
})

t.test('an unreachable upstream gives 502 with the code', async (t) => {
  const port = await freePort()
  const { app, url } = await startGateway({ legacy: `http://127.0.0.1:${port}`, new: `http://127.0.0.1:${port}` })
  t.teardown(() => app.close())
  const response = await request(`${url}/anything`)
  t.equal(response.statusCode, 502)
  t.equal(response.headers['x-served-by'], 'legacy')
  t.match(await response.body.json(), { code: 'GW_ERR_UPSTREAM_UNREACHABLE' })
})
