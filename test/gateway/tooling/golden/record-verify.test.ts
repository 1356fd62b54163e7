/**
 * The shipped cases file recorded against the legacy stand-in and verified against the new
 * services, over real HTTP with each side's own Flask-Session files: it passes where they agree,
 * and a deliberately changed field is reported with its path and both values, exit code 1.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import type { GoldenFile } from '../../../../gateway/tooling/golden/golden-file.js'
import type { VerifyReport } from '../../../../gateway/tooling/golden/verify.js'
import { startChangingProxy, startNewServices, startStandIn } from './golden-servers.js'
import { runCli } from '../../../helpers/run-cli.js'

const CASES = 'golden/cases.yaml'

t.test('record against the stand-in, verify against the new services', async (t) => {
  const legacy = await startStandIn(t)
  const candidate = await startNewServices(t)
  const golden = path.join(t.testdir(), 'golden.json')

  const recorded = await runCli(['golden', 'record', '--cases', CASES, '--target', legacy.url, '--out', golden, '--session-dir', legacy.sessionDir])
  t.equal(recorded.code, 0, recorded.err)
  t.match(recorded.out, /9 cases recorded/)
  const file = JSON.parse(await readFile(golden, 'utf8')) as GoldenFile
  const greeting = file.cases.find((c) => c.name === 'simple greeting')
  t.same(greeting?.sessionKeys, ['chat_history', 'chat_settings', 'csrf_token', 'csrf_token_time'], 'the session keys the case touched')
  t.same(greeting?.steps[1].sessionKeys, ['chat_history'], 'a chat turn touches only the history')
  t.same(file.cases.find((c) => c.name === 'scenario catalogue')?.sessionKeys, [], 'reading the catalogue touches no session key')

  const verified = await runCli(['golden', 'verify', '--golden', golden, '--target', candidate.url, '--config', 'routes.yaml', '--session-dir', candidate.sessionDir])
  t.equal(verified.code, 0, verified.out)
  t.match(verified.out, /9 passed, 0 failed/)
  t.match(verified.out, /session keys: compared/)

  const asJson = await runCli(['golden', 'verify', '--golden', golden, '--target', candidate.url, '--config', 'routes.yaml', '--json'])
  const report = JSON.parse(asJson.out) as VerifyReport
  t.equal(report.passed, 9)
  const chat = report.cases.find((c) => c.name === 'simple greeting')?.steps[1]
  t.match(chat, { feature: 'chat', mode: 'shape', verdict: 'equal' }, 'chat is compared in the chat feature\'s shape mode')
  t.match(report.cases.find((c) => c.name === 'scenario catalogue')?.steps[0], { feature: 'scenario', mode: 'exact' })
})

t.test('a changed response field is a regression with its path and both values', async (t) => {
  const legacy = await startStandIn(t)
  const candidate = await startNewServices(t)
  const changed = await startChangingProxy(t, candidate.url, '/api/scenario/scenario1/category', 'requires_consent', true)
  const golden = path.join(t.testdir(), 'golden.json')
  t.equal((await runCli(['golden', 'record', '--cases', CASES, '--target', legacy.url, '--out', golden])).code, 0)

  const verified = await runCli(['golden', 'verify', '--golden', golden, '--target', changed, '--config', 'routes.yaml'])
  t.equal(verified.code, 1, 'exit code 1 on a regression')
  t.match(verified.out, /FAIL {2}scenario catalogue/)
  t.match(verified.out, /step 2 GET \/api\/scenario\/scenario1\/category: different \(exact, feature scenario\)/)
  t.match(verified.out, /changed requires_consent: golden false, now true/)
  t.match(verified.out, /8 passed, 1 failed/)
  t.match(verified.out, /session keys: not compared: the golden file has no session keys/)
})

t.test('a target that cannot be reached fails every case with the reason', async (t) => {
  const legacy = await startStandIn(t)
  const golden = path.join(t.testdir(), 'golden.json')
  t.equal((await runCli(['golden', 'record', '--cases', CASES, '--target', legacy.url, '--out', golden])).code, 0)
  const verified = await runCli(['golden', 'verify', '--golden', golden, '--target', 'http://127.0.0.1:9', '--config', 'routes.yaml'])
  t.equal(verified.code, 1)
  t.match(verified.out, /error: cannot reach http:\/\/127\.0\.0\.1:9: ECONNREFUSED/)
  t.match(verified.out, /0 passed, 9 failed/)
})
