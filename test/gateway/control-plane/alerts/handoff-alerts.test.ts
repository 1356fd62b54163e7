/**
 * A failed session handoff check is alerted: once when the rollout controller starts holding a
 * step on it (not on every evaluation that repeats it), and on every on-demand check that does
 * not pass, which is also audited. Here the check fails because the legacy store holds no
 * session to prove a handoff with; the check's own pass and fail cases are in ../handoff/.
 */
import { createHmac } from 'node:crypto'
import t from 'tap'
import { buildHandoffAlert, type HandoffFailureNotice } from '../../../../gateway/control-plane/alerts/handoff-alert.js'
import { formatAlert, renderHandoff } from '../../../../gateway/control-plane/alerts/sink-formats.js'
import { admin, emptySessionDir, startRolloutGateway, startTraffic, testPlan, waitFor } from '../rollout/rollout-harness.js'
import { metricsText, sleep, startSink } from './alerts-harness.js'

const SECRET = 'handoff-hook-secret-0123'

t.test('the controller alerts a failing handoff check once; an on-demand failure is alerted and audited', async (t) => {
  await emptySessionDir(t)
  const hook = await startSink()
  t.teardown(() => hook.close())
  const gw = await startRolloutGateway(testPlan({ handoffCheck: true }), 'chat', undefined, {
    alerts: { publicUrl: 'https://gw.example.com', timeoutMs: 2_000, retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 50 }, sinks: { hook: { type: 'webhook', url: `${hook.url}/hook`, secretEnv: 'HOOK_SECRET' } } },
    env: { HOOK_SECRET: SECRET }
  })
  t.teardown(gw.close)
  const traffic = startTraffic(() => [gw.url])
  t.teardown(traffic.stop)

  t.equal((await admin(gw.url, 'POST', '/admin/rollouts/chat/start')).status, 200)
  await waitFor('the controller to hold on the handoff check', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.last?.why?.startsWith('handoff check') === true ? true : undefined
  })
  await waitFor('the alert', async () => hook.answered >= 1 ? true : undefined)
  // Several more evaluations (intervalMs 100) hold on the same failure.
  await waitFor('more held evaluations', async () => {
    const m = /app_rollout_handoff_checks_total\{feature="chat",result="fail"\} (\d+)/.exec(await metricsText(gw.url))
    return m !== null && Number(m[1]) >= 4 ? true : undefined
  })
  await traffic.stop()
  await sleep(200)
  t.equal(hook.calls.length, 1, 'one alert for the failure, not one per evaluation')
  const [call] = hook.calls
  t.equal(call.headers['x-strangler-signature'], `sha256=${createHmac('sha256', SECRET).update(call.body).digest('hex')}`, 'signed')
  const alert = JSON.parse(call.body)
  t.match(alert, {
    action: 'handoff.failed',
    feature: 'chat',
    by: 'rollout-controller',
    step: 'shadow',
    status: 'no_sessions',
    reason: /no session/,
    report: 'https://gw.example.com/admin/report/chat',
    who: { tokenId: null, remoteAddress: /^rollout-controller / }
  })
  t.equal(call.headers['x-strangler-alert-id'], alert.id)
  t.notMatch((await metricsText(gw.url)), /app_rollout_handoff_checks_total\{feature="chat",result="pass"\}\s+[1-9]/, 'no check passed')

  const check = await admin(gw.url, 'GET', '/admin/handoff/chat')
  t.equal(check.status, 200)
  t.match(check.body, { ok: false, status: 'no_sessions' })
  await waitFor('the on-demand check\'s alert', async () => hook.answered >= 2 ? true : undefined)
  t.match(JSON.parse(hook.calls[1].body), { action: 'handoff.failed', feature: 'chat', by: 'operator', step: null, who: { remoteAddress: '127.0.0.1' } })
  const audit = (await admin(gw.url, 'GET', '/admin/audit?feature=chat&limit=50')).body.entries as Array<{ action: string, after: any }>
  const entry = audit.find((e) => e.action === 'handoff.check')
  t.match(entry, { after: { ok: false, status: 'no_sessions', sessions: 0, failed: [], cleanup: { clones: 0 } } }, 'the on-demand check is audited')
})

t.test('a handoff alert in Slack and Alertmanager terms: the feature, the step held, the failed sessions', async (t) => {
  const notice: HandoffFailureNotice = {
    feature: 'chat',
    by: 'rollout-controller',
    who: { tokenId: null, remoteAddress: 'rollout-controller gw-1' },
    step: 'canary 10%',
    result: {
      status: 'fail',
      reason: 'session 1a2b3c4d5e6f new then legacy: new dropped key chat_settings',
      at: '2026-12-04T10:00:00.000Z',
      sessions: [
        { session: '1a2b3c4d5e6f', ok: false, clones: [{ clone: 'c1', order: ['new', 'legacy'], ok: false, turns: [], reasons: ['new dropped key chat_settings'] }] },
        { session: 'ffffffffffff', ok: true, clones: [] }
      ]
    }
  }
  const alert = buildHandoffAlert(notice, { id: 'alert-1', replica: 'gw-1', publicUrl: null })
  t.same(alert.failed, [{ session: '1a2b3c4d5e6f', reasons: ['new then legacy: new dropped key chat_settings'] }], 'only the sessions that failed')
  const rendered = renderHandoff(alert)
  const slack = JSON.parse(formatAlert(rendered, { type: 'slack', url: 'http://x' } as never, 'http://x', null).body) as { text: string }
  t.match(slack.text, /^:warning: \*Handoff check failed\* for \*chat\* \(fail\), the rollout controller, holding canary 10%/)
  t.match(slack.text, /• session 1a2b3c4d5e6f: new then legacy: new dropped key chat_settings/)
  t.notMatch(slack.text, /report>/, 'no link without publicUrl')
  const am = formatAlert(rendered, { type: 'alertmanager', url: 'http://am:9093', labels: { team: 'web' } } as never, 'http://am:9093', null)
  t.equal(am.url, 'http://am:9093/api/v2/alerts')
  t.match(JSON.parse(am.body), [{
    labels: { alertname: 'StranglerGatewayHandoffFailed', feature: 'chat', action: 'handoff.failed', by: 'rollout-controller', team: 'web' },
    annotations: { step: 'canary 10%', sessions: '1a2b3c4d5e6f', alert_id: 'alert-1' },
    startsAt: '2026-12-04T10:00:00.000Z'
  }])
  const long = buildHandoffAlert({ ...notice, by: 'operator', who: { tokenId: 'abc123', remoteAddress: '10.0.0.1' }, step: undefined, result: { ...notice.result, reason: 'x'.repeat(5_000), sessions: Array.from({ length: 7 }, (_, i) => ({ session: `s${i}`, ok: false, clones: [] })) } }, { id: 'a2', replica: 'gw-1', publicUrl: 'https://gw' })
  const text = renderHandoff(long).slackText
  t.match(text, /an on-demand check by token abc123/)
  t.match(text, /and 2 more session\(s\)/, 'at most five sessions listed')
  t.ok(text.length < 2_000, 'a long reason is clipped for Slack')
  t.match(text, /<https:\/\/gw\/admin\/report\/chat\|report>/)
})
