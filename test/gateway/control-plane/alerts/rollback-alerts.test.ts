/**
 * An operator's rollback alerts every sink once, each in its own format: Slack's `{"text"}`, the
 * generic webhook's audit record with its HMAC-SHA256 signature (checked here with the secret),
 * and Alertmanager's alert array. Each says which feature, before and after, who, why, and links
 * the report. Sinks that refuse, fail or are misconfigured are dropped, counted and audited; the
 * sinks' URLs and the secret never reach the log.
 */
import { createHmac } from 'node:crypto'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { getJson, metricsText, post, sleep, startAlertingGateway, startSink, waitFor, type SinkServer } from './alerts-harness.js'

const SECRET = 'whsec-test-0123456789'
const SLACK_PATH = '/services/T0000/B0000/slack-secret-path-xyz'
const HOOK_PATH = '/hooks/strangler-hook-path-abc'

async function upstreams (t: Test): Promise<{ legacy: string, candidate: string }> {
  const legacy = await startServer(namedUpstream('legacy'))
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(() => legacy.close())
  t.teardown(() => candidate.close())
  return { legacy: legacy.url, candidate: candidate.url }
}

async function sink (t: Test, options: Parameters<typeof startSink>[0] = {}): Promise<SinkServer> {
  const server = await startSink(options)
  t.teardown(() => server.close())
  return server
}

const features = { chat: { enabled: true, canary: 100 }, watch: { enabled: true, canary: 50 } }
const routes = [{ path: '/api/chat', feature: 'chat' }, { path: '/api/watch/*', feature: 'watch' }]
const fast = { timeoutMs: 2_000, retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 } }

t.test('one rollback, one alert per sink, each saying what, who, why and where the report is', async (t) => {
  const { legacy, candidate } = await upstreams(t)
  const [slack, hook, am] = [await sink(t), await sink(t), await sink(t)]
  const gw = await startAlertingGateway({
    legacy,
    candidate,
    features,
    routes,
    alerts: {
      ...fast,
      publicUrl: 'https://gateway.example.com/',
      sinks: {
        slack: { type: 'slack', urlEnv: 'SLACK_URL' },
        hook: { type: 'webhook', urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' },
        am: { type: 'alertmanager', url: am.url, labels: { severity: 'critical', team: 'platform' } }
      }
    },
    env: { SLACK_URL: `${slack.url}${SLACK_PATH}`, HOOK_URL: `${hook.url}${HOOK_PATH}`, HOOK_SECRET: SECRET }
  })
  t.teardown(gw.close)

  // An override to roll back from.
  await (await request(`${gw.url}/admin/flags/chat`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ canary: 25 }) })).body.dump()

  const rollback = await post(`${gw.url}/admin/rollback/chat`, { reason: 'p95 doubled after deploy 4711 <see #ops>' })
  t.equal(rollback.status, 200)
  t.same(rollback.body.rolledBack, ['chat'])

  for (const s of [slack, hook, am]) await waitFor('an alert at each sink', () => s.answered >= 1 ? true : undefined)
  await sleep(300)
  t.equal(slack.calls.length, 1, 'Slack: one call')
  t.equal(hook.calls.length, 1, 'webhook: one call')
  t.equal(am.calls.length, 1, 'Alertmanager: one call')

  const [audit] = (await getJson(`${gw.url}/admin/audit?limit=1`)).entries
  t.match(audit, { action: 'rollback', feature: 'chat', before: { canary: 25 }, after: { enabled: false, canary: 0 }, reason: 'p95 doubled after deploy 4711 <see #ops>' })

  // Slack: {"text"} to the webhook's own path.
  const slackCall = slack.calls[0]
  t.equal(slackCall.url, SLACK_PATH)
  t.match(slackCall.headers['content-type'], /^application\/json/)
  const { text } = JSON.parse(slackCall.body)
  t.same(Object.keys(JSON.parse(slackCall.body)), ['text'])
  t.match(text, /\*Rollback\* of \*chat\* by an operator \(no admin token configured, from 127\.0\.0\.1\)/)
  t.match(text, /\*chat\*: canary 25% → flag off, canary 0% · <https:\/\/gateway\.example\.com\/admin\/report\/chat\|report>/)
  t.match(text, /Why: p95 doubled after deploy 4711 &lt;see #ops&gt;/, 'mrkdwn escaped')

  // Webhook: the audit record as the body, plus what the alert adds; signed with the secret.
  const hookCall = hook.calls[0]
  t.equal(hookCall.url, HOOK_PATH)
  const expected = `sha256=${createHmac('sha256', SECRET).update(hookCall.body).digest('hex')}`
  t.equal(hookCall.headers['x-strangler-signature'], expected, 'X-Strangler-Signature is the HMAC-SHA256 of the body with the secret')
  const forged = createHmac('sha256', 'another-secret').update(hookCall.body).digest('hex')
  t.not(hookCall.headers['x-strangler-signature'], `sha256=${forged}`)
  const body = JSON.parse(hookCall.body)
  t.same({ at: body.at, who: body.who, action: body.action, feature: body.feature, before: body.before, after: body.after, reason: body.reason, requestId: body.requestId }, audit,
    'the audit record, field for field')
  t.match(body, {
    by: 'operator',
    why: 'p95 doubled after deploy 4711 <see #ops>',
    features: [{ feature: 'chat', before: { canary: 25 }, after: { enabled: false, canary: 0 }, report: 'https://gateway.example.com/admin/report/chat' }],
    replica: (await gw.app.rollout.describeController()).replicaId
  }, 'the replica is named as in the rollout lock')
  t.equal(hookCall.headers['x-strangler-alert-id'], body.id, 'the alert id in a header too')

  // Alertmanager: POST /api/v2/alerts, an array of alerts with labels, annotations, startsAt.
  const amCall = am.calls[0]
  t.equal(amCall.url, '/api/v2/alerts')
  const alerts = JSON.parse(amCall.body)
  t.equal(alerts.length, 1)
  t.same(alerts[0].labels, { alertname: 'StranglerGatewayRollback', feature: 'chat', action: 'rollback', by: 'operator', severity: 'critical', team: 'platform' })
  t.match(alerts[0].annotations, {
    summary: 'chat rolled back by an operator (no admin token configured, from 127.0.0.1)',
    why: 'p95 doubled after deploy 4711 <see #ops>',
    before: 'canary 25%',
    after: 'flag off, canary 0%',
    report: 'https://gateway.example.com/admin/report/chat',
    alert_id: body.id
  })
  t.equal(alerts[0].startsAt, audit.at)
  t.equal(alerts[0].generatorURL, 'https://gateway.example.com/admin/report/chat')
  for (const value of [...Object.values(alerts[0].labels), ...Object.values(alerts[0].annotations)]) t.type(value, 'string')

  const metrics = await metricsText(gw.url)
  for (const name of ['slack', 'hook', 'am']) t.match(metrics, new RegExp(`app_alerts_sent_total\\{sink="${name}"\\} 1\\b`))

  const logs = gw.logs.text()
  t.match(logs, /"msg":"alert sent"/, 'the log says it was sent')
  for (const secret of [SLACK_PATH, HOOK_PATH, SECRET, slack.url, hook.url, am.url]) t.notOk(logs.includes(secret), `the log never holds ${secret}`)
})

t.test('rolling back every feature: one alert naming each of them', async (t) => {
  const { legacy, candidate } = await upstreams(t)
  const [slack, hook, am] = [await sink(t), await sink(t), await sink(t)]
  const gw = await startAlertingGateway({
    legacy,
    candidate,
    features,
    routes,
    alerts: { ...fast, sinks: { slack: { type: 'slack', url: slack.url }, hook: { type: 'webhook', url: hook.url }, am: { type: 'alertmanager', url: `${am.url}/api/v2/alerts` } } }
  })
  t.teardown(gw.close)

  const rollback = await post(`${gw.url}/admin/rollback`)
  t.equal(rollback.status, 200, 'no body: no reason, still a rollback')
  t.same(rollback.body.rolledBack, ['chat', 'watch'])
  for (const s of [slack, hook, am]) await waitFor('an alert at each sink', () => s.answered >= 1 ? true : undefined)
  await sleep(200)
  t.equal(slack.calls.length + hook.calls.length + am.calls.length, 3, 'one call per sink')

  const { text } = JSON.parse(slack.calls[0].body)
  t.match(text, /\*Rollback\* of \*chat, watch\*/)
  t.match(text, /\*chat\*: no override \(routes\.yaml decides\) → flag off, canary 0%\n/, 'no link without publicUrl')
  t.match(text, /Why: no reason given/)
  const body = JSON.parse(hook.calls[0].body)
  t.equal(hook.calls[0].headers['x-strangler-signature'], undefined, 'no secret: unsigned')
  t.match(body, { action: 'rollback.all', feature: null, before: { chat: null, watch: null }, why: null, features: [{ feature: 'chat', report: null }, { feature: 'watch', report: null }] })
  t.equal(am.calls[0].url, '/api/v2/alerts', 'a URL that already names the API path is kept')
  t.same(JSON.parse(am.calls[0].body).map((a: any) => a.labels.feature), ['chat', 'watch'], 'one Alertmanager alert per feature, in one call')
  t.notOk('generatorURL' in JSON.parse(am.calls[0].body)[0], 'no generatorURL without publicUrl')
})

t.test('refused, failing and misconfigured sinks: dropped, counted and audited; the others still get it', async (t) => {
  const { legacy, candidate } = await upstreams(t)
  const good = await sink(t)
  const refuses = await sink(t, { status: 404, answer: 'no_service' })
  const failing = await sink(t, { status: 503 })
  const gw = await startAlertingGateway({
    legacy,
    candidate,
    features,
    routes,
    alerts: {
      ...fast,
      sinks: {
        good: { type: 'webhook', url: good.url },
        refuses: { type: 'slack', url: `${refuses.url}${SLACK_PATH}` },
        failing: { type: 'webhook', url: failing.url },
        unset: { type: 'webhook', urlEnv: 'NOT_SET_ANYWHERE' },
        unsigned: { type: 'webhook', url: good.url, secretEnv: 'ALSO_NOT_SET' }
      }
    }
  })
  t.teardown(gw.close)

  const rollback = await post(`${gw.url}/admin/rollback/watch`)
  t.equal(rollback.status, 200)
  const dropped = await waitFor('four drops in the audit trail', async () => {
    const entries = (await getJson(`${gw.url}/admin/audit?limit=20`)).entries.filter((e: any) => e.action === 'alert.dropped')
    return entries.length >= 4 ? entries : undefined
  })
  const bySink = Object.fromEntries(dropped.map((e: any) => [e.after.sink, e]))
  t.match(bySink.refuses, { feature: 'watch', who: { tokenId: null, remoteAddress: /^alerts / }, after: { reason: 'rejected', tries: 1, detail: 'HTTP 404' } }, 'a 4xx is not tried again')
  t.match(bySink.failing, { after: { reason: 'retries_exhausted', tries: 3, detail: 'HTTP 503' } }, 'a 5xx is tried `attempts` times')
  t.match(bySink.unset, { after: { reason: 'misconfigured', tries: 0, detail: 'NOT_SET_ANYWHERE is not set' } })
  t.match(bySink.unsigned, { after: { reason: 'misconfigured', detail: 'ALSO_NOT_SET (its signing secret) is not set' } }, 'never sent unsigned when a secret is configured')
  t.equal(failing.calls.length, 3)
  t.equal(refuses.calls.length, 1)
  t.equal(good.calls.length, 1, 'the good sink got its alert')
  t.equal(new Set(failing.calls.map((c) => c.headers['x-strangler-alert-id'])).size, 1, 'every retry is the same alert (same id)')
  t.ok(failing.calls[2].at - failing.calls[0].at >= 20 + 40 - 5, `backed off between tries: ${failing.calls.map((c) => c.at).join(', ')} ms`)

  const metrics = await metricsText(gw.url)
  t.match(metrics, /app_alerts_dropped_total\{sink="refuses",reason="rejected"\} 1\b/)
  t.match(metrics, /app_alerts_dropped_total\{sink="failing",reason="retries_exhausted"\} 1\b/)
  t.match(metrics, /app_alerts_dropped_total\{sink="unset",reason="misconfigured"\} 1\b/)
  t.match(metrics, /app_alerts_failed_attempts_total\{sink="failing",cause="http_5xx"\} 3\b/)
  t.match(metrics, /app_alerts_failed_attempts_total\{sink="refuses",cause="http_4xx"\} 1\b/)
  t.match(metrics, /app_alerts_sent_total\{sink="good"\} 1\b/)
  const auditText = JSON.stringify(dropped)
  const logs = gw.logs.text()
  for (const secret of [SLACK_PATH, refuses.url, failing.url, good.url]) {
    t.notOk(auditText.includes(secret), `the audit trail never holds ${secret}`)
    t.notOk(logs.includes(secret), `the log never holds ${secret}`)
  }
})

t.test('the queue is bounded; a slow sink is timed out and tried again; shutdown drops what is left', async (t) => {
  const { legacy, candidate } = await upstreams(t)
  const slow = await sink(t, { delayMs: 400 })
  const gw = await startAlertingGateway({
    legacy,
    candidate,
    features,
    routes,
    alerts: { timeoutMs: 150, queueSize: 2, retry: { attempts: 10, initialDelayMs: 20, maxDelayMs: 40 }, sinks: { slow: { type: 'webhook', url: slow.url } } }
  })
  let closed = false
  t.teardown(async () => { if (!closed) await gw.close() })

  const answers = []
  for (let i = 0; i < 4; i++) answers.push(await post(`${gw.url}/admin/rollback/chat`, { reason: `attempt ${i}` }))
  t.ok(answers.every((a) => a.status === 200), 'every rollback answered')
  t.ok(answers.every((a) => a.ms < 500), `none waited for the sink: ${answers.map((a) => a.ms.toFixed(0)).join(', ')} ms`)
  let metrics = await metricsText(gw.url)
  t.match(metrics, /app_alerts_dropped_total\{sink="slow",reason="queue_full"\} 2\b/, 'two alerts past the bound dropped')
  t.match(metrics, /app_alerts_queued\{sink="slow"\} 2\b/)

  await waitFor('a try timed out and retried', () => slow.calls.length >= 2 ? true : undefined)
  metrics = await metricsText(gw.url)
  t.match(metrics, /app_alerts_failed_attempts_total\{sink="slow",cause="timeout"\} \d+/)
  t.equal(JSON.parse(slow.calls[0].body).reason, 'attempt 0', 'in order: the first alert first')
  t.equal(slow.calls[1].headers['x-strangler-alert-id'], slow.calls[0].headers['x-strangler-alert-id'], 'the retry is the same alert')

  const closing = performance.now()
  await gw.close()
  closed = true
  t.ok(performance.now() - closing < 2_500, 'close does not wait for the sink beyond its grace')
  const entries = await gw.app.adminAudit.list({ limit: 50 })
  const reasons = entries.filter((e) => e.action === 'alert.dropped').map((e) => (e.after as { reason: string }).reason).sort()
  t.same(reasons, ['queue_full', 'queue_full', 'shutdown', 'shutdown'], 'every alert not sent is in the audit trail')
})

t.test('a bad rollback body is a 400: nothing rolled back, nothing alerted', async (t) => {
  const { legacy, candidate } = await upstreams(t)
  const hook = await sink(t)
  const gw = await startAlertingGateway({ legacy, candidate, features, routes, alerts: { ...fast, sinks: { hook: { type: 'webhook', url: hook.url } } } })
  t.teardown(gw.close)
  for (const body of [{ reason: '' }, { reason: 'x'.repeat(501) }, { why: 'typo' }]) {
    const res = await post(`${gw.url}/admin/rollback/chat`, body)
    t.equal(res.status, 400, JSON.stringify(body).slice(0, 40))
    t.equal(res.body.code, 'GW_ERR_ADMIN_BAD_REQUEST')
  }
  t.equal(gw.app.gateway.overrides.get('chat'), undefined, 'nothing rolled back')
  await sleep(100)
  t.equal(hook.calls.length, 0, 'nothing alerted')
})
