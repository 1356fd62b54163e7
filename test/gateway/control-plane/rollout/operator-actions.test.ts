/** start, pause, resume, abort through the admin API, the refusals, and dry run. */
import t from 'tap'
import { admin, startRolloutGateway, startTraffic, testPlan, waitFor } from './rollout-harness.js'

t.test('pause holds the step, resume re-applies it, abort rolls back; refusals say why', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: [10, 50, 100], bakeMs: 60_000 }))
  t.teardown(gw.close)
  const rollout = async (action: string, body?: unknown) => await admin(gw.url, 'POST', `/admin/rollouts/chat/${action}`, body)
  const view = async () => (await admin(gw.url, 'GET', '/admin/rollouts/chat')).body

  t.match(await admin(gw.url, 'GET', '/admin/rollouts'), { status: 200, body: { controller: { store: 'memory', leader: Boolean }, features: { chat: { status: 'idle', plan: { steps: [10, 50, 100] } } } } })
  t.match(await rollout('resume'), { status: 409, body: { code: 'GW_ERR_ROLLOUT_CONFLICT', message: /no rollout/ } })
  t.match(await admin(gw.url, 'POST', '/admin/rollouts/watch/start'), { status: 409, body: { code: 'GW_ERR_ROLLOUT_NO_PLAN' } })
  t.match(await admin(gw.url, 'POST', '/admin/rollouts/nope/start'), { status: 404, body: { code: 'GW_ERR_ADMIN_UNKNOWN_FEATURE' } })
  t.match(await rollout('jump'), { status: 400, body: { code: 'GW_ERR_ADMIN_BAD_REQUEST' } })
  t.match(await rollout('start', { dryRun: 'yes' }), { status: 400 })

  t.match(await rollout('start'), { status: 200, body: { status: 'running', step: 'canary 10%' } })
  t.match(await rollout('start'), { status: 409, body: { message: /already running/ } })
  await waitFor('the first step applied', async () => (await view()).applied === true ? true : undefined)
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { enabled: true, canary: 10 })

  t.match(await rollout('pause'), { status: 200, body: { status: 'paused', reason: 'paused by an operator' } })
  t.match(await rollout('pause'), { status: 409, body: { message: /it is paused/ } })
  // A flag changed by hand while paused; resume puts the step back.
  await admin(gw.url, 'POST', '/admin/rollback/chat')
  t.match(await rollout('resume'), { status: 200, body: { status: 'running', applied: false } })
  await waitFor('the step applied again', async () => (await view()).applied === true ? true : undefined)
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { enabled: true, canary: 10 })

  t.match(await rollout('abort'), { status: 200, body: { status: 'aborted', flags: { enabled: false, canary: 0 } } }, 'abort rolls back at once')
  t.match(await rollout('abort'), { status: 409 })
  const actions = (await admin(gw.url, 'GET', '/admin/audit?feature=chat')).body.entries.map((e: { action: string }) => e.action).reverse()
  t.same(actions.filter((a: string) => ['rollout.start', 'rollout.pause', 'rollout.resume', 'rollout.abort'].includes(a)),
    ['rollout.start', 'rollout.pause', 'rollout.resume', 'rollout.abort'])
})

t.test('a flag changed by hand during a rollout pauses it instead of being fought', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: [10, 50, 100], bakeMs: 60_000 }))
  t.teardown(gw.close)
  await admin(gw.url, 'POST', '/admin/rollouts/chat/start')
  await waitFor('the first step applied', async () => (await admin(gw.url, 'GET', '/admin/rollouts/chat')).body.applied === true ? true : undefined)
  await admin(gw.url, 'POST', '/admin/rollback/chat')
  const paused = await waitFor('the pause', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.status === 'paused' ? body : undefined
  })
  t.match(paused.reason, /changed outside the rollout/)
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { enabled: false, canary: 0 }, 'the operator\'s rollback stands')
})

t.test('dry run: says what it would do and changes nothing', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: [10, 50, 100], bakeMs: 0 }))
  t.teardown(gw.close)
  const traffic = startTraffic(() => [gw.url])
  t.teardown(traffic.stop)
  await admin(gw.url, 'PUT', '/admin/flags/chat', { enabled: true, canary: 10 })
  t.match(await admin(gw.url, 'POST', '/admin/rollouts/chat/start', { dryRun: true }), { status: 200, body: { dryRun: true } })
  const view = await waitFor('a would_promote', async () => {
    const { body } = await admin(gw.url, 'GET', '/admin/rollouts/chat')
    return body.last?.decision === 'would_promote' ? body : undefined
  })
  await traffic.stop()
  t.match(view, { status: 'running', stepIndex: 0, dryRun: true })
  t.match((await admin(gw.url, 'GET', '/admin/flags/chat')).body, { enabled: true, canary: 10 }, 'the flags did not move')
  const metrics = await (await fetch(`${gw.url}/metrics`)).text()
  t.match(metrics, /decision="would_promote"/)
  t.notMatch(metrics, /decision="promote"/)
})
