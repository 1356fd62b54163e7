/**
 * Issue 18's "must show", with two gateways sharing one real Redis: a rollback while the webhook
 * sink is down (300 ms here) and then answers late (1 s here; the alert timeout is 1.5 s, as the
 * default 15 s is to a sink 10 s late) takes effect on every replica within a second, answers
 * without waiting for the sink, and exactly one alert arrives, signed, once the sink answers,
 * sent by the replica that rolled back. Then the rollout controller's automatic rollback: one
 * alert, from the replica holding the controller lock.
 */
import { createHmac } from 'node:crypto'
import t from 'tap'
import { freePort, namedUpstream, startServer } from '../../../helpers/http-server.js'
import { REDIS_URL } from '../../../helpers/requirements.js'
import { redisFor } from '../rollout/redis-fixture.js'
import { admin, startBackend, startTraffic, testPlan } from '../rollout/rollout-harness.js'
import { getJson, metricsText, post, servedBy, sleep, startAlertingGateway, startSink, waitFor, type SinkServer } from './alerts-harness.js'

const SECRET = 'replica-alert-secret'

t.test('a rollback with the sink down, then slow: on every replica within 1 s, one alert once the sink answers', async (t) => {
  const setup = await redisFor(t, 'alerts-replicas')
  if (setup === undefined) return
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(() => legacy.close())
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(() => candidate.close())

  // Down: nothing listens on the port until the test starts the sink there.
  const port = await freePort()
  const alerts = {
    timeoutMs: 1_500,
    retry: { attempts: 20, initialDelayMs: 50, maxDelayMs: 200 },
    publicUrl: 'https://gateway.example.com',
    sinks: { hook: { type: 'webhook', url: `http://127.0.0.1:${port}/strangler`, secretEnv: 'HOOK_SECRET' } }
  }
  const options = {
    legacy: legacy.url,
    candidate: candidate.url,
    features: { chat: { enabled: true, canary: 100 } },
    routes: [{ path: '/api/chat', feature: 'chat' }],
    alerts,
    env: { HOOK_SECRET: SECRET },
    redis: { url: REDIS_URL, keyPrefix: setup.prefix }
  }
  const a = await startAlertingGateway(options)
  t.teardown(a.close)
  const b = await startAlertingGateway(options)
  t.teardown(b.close)
  t.equal(await servedBy(a.url), 'new')
  t.equal(await servedBy(b.url), 'new')
  for (const gw of [a, b]) await getJson(`${gw.url}/admin/flags`) // warm the admin paths

  let hook: SinkServer | undefined
  const started = performance.now()
  const sinkUp = sleep(300).then(async () => { hook = await startSink({ port, delayMs: 1_000 }) })
  t.teardown(async () => { await sinkUp; await hook?.close() })

  const rollback = await post(`${a.url}/admin/rollback/chat`, { reason: 'error rate up after the 14:00 deploy' })
  const acknowledgedMs = performance.now() - started
  t.equal(rollback.status, 200)
  t.same(rollback.body.rolledBack, ['chat'])
  t.ok(acknowledgedMs < 500, `replica A answered the rollback after ${acknowledgedMs.toFixed(0)} ms, not waiting for the sink`)
  t.equal(await servedBy(a.url), 'legacy', 'A at once')
  while (await servedBy(b.url) !== 'legacy' && performance.now() - started < 5_000);
  const propagatedMs = performance.now() - started
  t.ok(propagatedMs < 1_000, `replica B served legacy ${propagatedMs.toFixed(0)} ms after the rollback was sent to A`)

  await sinkUp
  const sink = hook as SinkServer
  await waitFor('the sink to answer the alert', () => sink.answered >= 1 ? true : undefined, 15_000)
  const answeredMs = performance.now() - started
  t.ok(answeredMs > propagatedMs, `the sink answered after ${answeredMs.toFixed(0)} ms; the rollback was everywhere after ${propagatedMs.toFixed(0)} ms`)
  // Long enough for any other replica's copy, or a retry, to have come.
  await sleep(1_500)
  t.equal(sink.calls.length, 1, 'exactly one alert arrived')
  t.equal(sink.answered, 1)

  const call = sink.calls[0]
  t.equal(call.headers['x-strangler-signature'], `sha256=${createHmac('sha256', SECRET).update(call.body).digest('hex')}`, 'signed with the secret')
  const body = JSON.parse(call.body)
  const { replicaId: replicaA } = await a.app.rollout.describeController()
  t.match(body, {
    action: 'rollback',
    feature: 'chat',
    by: 'operator',
    before: null,
    after: { enabled: false, canary: 0 },
    why: 'error rate up after the 14:00 deploy',
    features: [{ feature: 'chat', report: 'https://gateway.example.com/admin/report/chat' }],
    replica: replicaA
  }, 'sent by replica A, the one that rolled back')

  const metricsA = await metricsText(a.url)
  t.match(metricsA, /app_alerts_sent_total\{sink="hook"\} 1\b/)
  t.match(metricsA, /app_alerts_failed_attempts_total\{sink="hook",cause="connect"\} [1-9]/, 'A tried while the sink was down')
  const metricsB = await metricsText(b.url)
  t.notMatch(metricsB, /app_alerts_(sent_total|failed_attempts_total|dropped_total)\{/, 'B sent nothing, tried nothing, dropped nothing')
  t.notMatch(metricsA, /app_alerts_dropped_total\{/, 'nothing dropped')
  for (const gw of [a, b]) t.notOk(gw.logs.text().includes(String(port)) || gw.logs.text().includes(SECRET), 'no sink address or secret in the log')
})

t.test('the automatic rollback: one alert, from the replica holding the controller lock', async (t) => {
  const setup = await redisFor(t, 'alerts-auto')
  if (setup === undefined) return
  // The report's Redis counters are keyed by feature: a feature of this run's own.
  const feature = `alerts_${process.pid}_${Math.random().toString(36).slice(2, 6)}`
  const legacy = await startBackend()
  t.teardown(legacy.close)
  const candidate = await startBackend()
  t.teardown(candidate.close)
  const hook = await startSink()
  t.teardown(() => hook.close())
  const am = await startSink()
  t.teardown(() => am.close())

  const options = {
    legacy: legacy.url,
    candidate: candidate.url,
    features: { [feature]: { enabled: false, canary: 0, shadow: { sample: 100 }, rollout: testPlan({ steps: [10, 100], bakeMs: 600_000, intervalMs: 100 }) } },
    routes: [{ path: '/api/*', feature }],
    alerts: {
      publicUrl: 'https://gateway.example.com',
      timeoutMs: 2_000,
      sinks: { hook: { type: 'webhook', url: hook.url }, am: { type: 'alertmanager', url: am.url } }
    },
    redis: { url: REDIS_URL, keyPrefix: setup.prefix }
  }
  const a = await startAlertingGateway(options)
  t.teardown(a.close)
  const b = await startAlertingGateway(options)
  t.teardown(b.close)
  const traffic = startTraffic(() => [a.url, b.url], { concurrency: 3 })
  t.teardown(traffic.stop)

  t.equal((await admin(b.url, 'POST', `/admin/rollouts/${feature}/start`)).status, 200)
  await waitFor('the 10% step applied', async () => {
    const { body } = await admin(a.url, 'GET', `/admin/rollouts/${feature}`)
    return body.step === 'canary 10%' && body.applied === true ? true : undefined
  }, 30_000, 50)
  candidate.failing = true
  const rolledBack = await waitFor('the automatic rollback', async () => {
    const { body } = await admin(a.url, 'GET', `/admin/rollouts/${feature}`)
    return body.status === 'rolled_back' && body.applied === true ? body : undefined
  }, 30_000, 50)
  await traffic.stop()
  await waitFor('the alert', () => hook.answered >= 1 && am.answered >= 1 ? true : undefined)
  await sleep(1_000)
  t.equal(hook.calls.length, 1, 'one webhook alert for two replicas')
  t.equal(am.calls.length, 1, 'one Alertmanager call')

  const holder = rolledBack.controller.holder as string
  const ids = await Promise.all([a, b].map(async (gw) => (await gw.app.rollout.describeController()).replicaId))
  t.ok(ids.includes(holder), `the lock holder ${holder} is one of ours`)
  const body = JSON.parse(hook.calls[0].body)
  t.match(body, {
    action: 'rollout.rollback',
    feature,
    by: 'rollout-controller',
    who: { tokenId: null, remoteAddress: `rollout-controller ${holder}` },
    before: { enabled: true, canary: 10 },
    after: { enabled: false, canary: 0 },
    step: 'canary 10%',
    why: /not_ready and automatic rollback is on/,
    features: [{ feature, report: `https://gateway.example.com/admin/report/${feature}` }],
    replica: holder
  }, 'sent by the lock holder: who, which gate, why')
  t.ok(body.gates.includes('error_rate'), `the failed gate: ${body.gates.join(', ')}`)
  const [amAlert] = JSON.parse(am.calls[0].body)
  t.match(amAlert, { labels: { alertname: 'StranglerGatewayRollback', feature, action: 'rollout.rollback', by: 'rollout-controller' }, annotations: { step: 'canary 10%', gates: /error_rate/ } })

  const [holderGw, otherGw] = ids[0] === holder ? [a, b] : [b, a]
  t.match(await metricsText(holderGw.url), /app_alerts_sent_total\{sink="hook"\} 1\b/)
  t.notMatch(await metricsText(otherGw.url), /app_alerts_sent_total\{/, 'the other replica sent nothing')
})
