/** The CLI's rollout commands in-process against a real gateway with the rollout controller. */
import t from 'tap'
import { runCli, type CliRun } from '../../../helpers/run-cli.js'
import { startRolloutGateway, testPlan, waitFor } from './rollout-harness.js'

async function run (url: string, ...args: string[]): Promise<CliRun> {
  return await runCli([...args, '--url', url])
}

t.test('rollout status, start, pause, resume, abort from the command line', async (t) => {
  const gw = await startRolloutGateway(testPlan({ steps: [10, 50, 100], bakeMs: 60_000 }))
  t.teardown(gw.close)

  const idle = await run(gw.url, 'rollout')
  t.equal(idle.code, 0)
  t.match(idle.out, /controller: memory, lock held by .* \(this replica\)[\s\S]*FEATURE\s+STATUS[\s\S]*chat\s+idle/)

  const started = await run(gw.url, 'rollout', 'start', 'chat')
  t.equal(started.code, 0, started.err)
  t.match(started.out, /^chat: running, step canary 10% of 10 -> 50 -> 100; next canary 50%/)
  await waitFor('a first decision', async () => /last decision: hold/.test((await run(gw.url, 'rollout', 'status', 'chat')).out) ? true : undefined)
  t.match((await run(gw.url, 'rollout', 'chat')).out, /last decision: hold at .*: not enough samples[\s\S]*verdict insufficient_data since .*: live old 0 req/)

  t.match(await run(gw.url, 'rollout', 'pause', 'chat'), { code: 0, out: /paused[\s\S]*reason: paused by an operator/ })
  t.match(await run(gw.url, 'rollout', 'resume', 'chat'), { code: 0, out: /chat: running/ })
  t.match(await run(gw.url, 'rollout', 'abort', 'chat'), { code: 0, out: /chat: aborted/ })
  t.match(await run(gw.url, 'rollout', 'abort', 'chat'), { code: 1, err: /409 GW_ERR_ROLLOUT_CONFLICT: cannot abort/ })
  t.match(await run(gw.url, 'rollout', 'start', 'watch'), { code: 1, err: /GW_ERR_ROLLOUT_NO_PLAN/ })
  t.match(await run(gw.url, 'rollout', 'start'), { code: 2, err: /usage: rollout/ })

  const dry = await run(gw.url, 'rollout', 'start', 'chat', '--dry-run', '--json')
  t.equal(dry.code, 0)
  t.match(JSON.parse(dry.out), { status: 'running', dryRun: true })
})
