import t from 'tap'
import { buildTestApp } from './helpers/build-test-app.js'

t.test('GET /metrics: default process metrics and per-route counts labelled by template', async (t) => {
  const { app } = await buildTestApp(t)
  await app.inject('/api/scenario/scenario1/category')
  await app.inject('/api/scenario/scenario2/category')
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.match(res.body, /^process_resident_memory_bytes \d+/m)
  t.match(res.body, /^nodejs_heap_size_used_bytes \d+/m)
  t.match(res.body, /^new_services_http_requests_total\{route="\/api\/scenario\/:id\/category",method="GET",status="200"\} 2$/m)
  t.notMatch(res.body, /scenario1/, 'no raw URLs in labels')
})

t.test('two apps in one process keep separate registries', async (t) => {
  const a = await buildTestApp(t)
  const b = await buildTestApp(t)
  await a.app.inject('/health')
  t.notMatch((await b.app.inject('/metrics')).body, /route="\/health"/)
})
