import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { parseExposition } from '../../../../gateway/core/parse-exposition.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'

t.test('/metrics is valid Prometheus exposition with route-template labels only', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer((req, res) => {
    if (req.url?.startsWith('/api/watch') === true) return namedUpstream('new', 503)(req, res)
    namedUpstream('new')(req, res)
  })
  t.teardown(candidate.close)
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled: true, canary: 100 }, watch: { enabled: true, canary: 100, fallback: true } },
    routes: [
      { path: '/api/chat/:id', feature: 'chat' },
      { path: '/api/watch/*', feature: 'watch' }
    ]
  }))
  const app = await buildGateway({ config, env: {} })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())

  for (const session of ['a', 'b', 'c', 'a']) {
    const res = await request(`${url}/api/chat/secret-id-42?q=1`, { headers: { cookie: `session=${session}` } })
    await res.body.dump()
  }
  await (await request(`${url}/users/12345`)).body.dump()
  const watch = await request(`${url}/api/watch/next`, { method: 'POST', body: '{}' })
  await watch.body.dump()
  t.equal(watch.headers['x-served-by'], 'legacy-fallback')
  app.metrics.shadow.sent.inc({ feature: 'chat' })
  app.metrics.shadow.dropped.inc({ feature: 'chat', reason: 'queue_full' })
  app.metrics.shadow.timedOut.inc({ feature: 'chat' })
  app.metrics.diffs.inc({ feature: 'chat', kind: 'changed' })
  app.metrics.configReloads.inc({ result: 'ok' })

  const res = await request(`${url}/metrics`)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = await res.body.text()
  const families = parseExposition(text)

  const expected: Record<string, string> = {
    app_requests_total: 'counter',
    app_request_duration_seconds: 'histogram',
    app_active_sessions: 'gauge',
    app_memory_usage_bytes: 'gauge',
    app_shadow_requests_sent_total: 'counter',
    app_shadow_requests_dropped_total: 'counter',
    app_shadow_requests_timed_out_total: 'counter',
    app_diffs_total: 'counter',
    app_fallbacks_total: 'counter',
    app_upstream_errors_total: 'counter',
    app_config_reloads_total: 'counter',
    process_resident_memory_bytes: 'gauge'
  }
  for (const [name, type] of Object.entries(expected)) {
    t.equal(families.get(name)?.type, type, `${name} is a ${type}`)
    t.ok((families.get(name)?.help ?? '') !== '', `${name} has help`)
  }

  const requests = families.get('app_requests_total')?.samples ?? []
  const endpoints = new Set(requests.map((s) => s.labels.endpoint))
  t.ok(endpoints.has('/api/chat/:id'), 'a proxied request is labelled with its route template')
  t.ok(endpoints.has('unmatched'), 'an unmatched request is "unmatched"')
  t.notOk(text.includes('secret-id-42') || text.includes('12345'), 'no raw path reaches a label')
  t.ok(requests.some((s) => s.labels.endpoint === '/api/chat/:id' && s.labels.method === 'GET' && s.labels.status === '200' && s.value === 4))

  const durations = families.get('app_request_duration_seconds')?.samples ?? []
  const versions = new Set(durations.map((s) => s.labels.service_version))
  t.same([...versions].sort(), ['new', 'old'], 'service_version is old or new')
  t.equal(families.get('app_active_sessions')?.samples[0].value, 3, 'three distinct sessions')
  t.ok((families.get('app_memory_usage_bytes')?.samples[0].value ?? 0) > 1e6, 'memory is the process RSS')
  t.same(families.get('app_fallbacks_total')?.samples[0].labels, { feature: 'watch', cause: 'HTTP_503' })
  t.same(families.get('app_shadow_requests_dropped_total')?.samples[0].labels, { feature: 'chat', reason: 'queue_full' })
})
