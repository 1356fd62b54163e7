/**
 * A difference the shadow runner recorded becomes a regression test: the gateway mirrors to a new
 * service whose answer differs, `golden from-diffs` reads the records from the admin API and
 * writes a cases file, and that file, recorded against legacy, fails against the new service.
 * A POST record has no request body, so its case is written with skip.
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { registerControlPlane } from '../../../../gateway/control-plane/register-control-plane.js'
import { buildDiffRecord } from '../../../../gateway/analysis/diff-store/build-record.js'
import { parseCasesFile } from '../../../../gateway/tooling/golden/cases-file.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { shadowsSettled } from '../../../helpers/shadow.js'
import { startChangingProxy, startNewServices, startStandIn } from './golden-servers.js'
import { runCli } from '../../../helpers/run-cli.js'

const CATEGORY = '/api/scenario/scenario1/category'

t.test('shadow diffs from the admin API into cases that reproduce them', async (t) => {
  const legacy = await startStandIn(t)
  const candidate = await startNewServices(t)
  const changed = await startChangingProxy(t, candidate.url, CATEGORY, 'requires_consent', true)
  const config = parseRoutesConfig(routesYaml({
    legacy: legacy.url,
    new: changed,
    features: { scenario: { shadow: { sample: 100 }, compare: { mode: 'exact' } } },
    routes: [{ path: '/api/scenario/:id/category', methods: ['GET'], feature: 'scenario' }]
  }))
  const app = await buildGateway({ config, env: {} })
  await registerControlPlane(app, { adminToken: undefined })
  t.teardown(async () => await app.close())
  const gateway = await app.listen({ port: 0, host: '127.0.0.1' })

  for (let i = 0; i < 3; i++) await (await request(`${gateway}${CATEGORY}`)).body.dump()
  await (await request(`${gateway}/api/scenario/scenario2/category`)).body.dump()
  await shadowsSettled(app)

  const dir = t.testdir()
  const casesFile = path.join(dir, 'cases.yaml')
  const converted = await runCli(['golden', 'from-diffs', '--url', gateway, '--out', casesFile])
  t.equal(converted.code, 0, converted.err)
  t.match(converted.out, /1 cases from 3 diff records/, 'three records of one request make one case; the equal one left none')
  const cases = parseCasesFile(await readFile(casesFile, 'utf8'), casesFile)
  t.equal(cases.cases.length, 1)
  t.match(cases.cases[0], {
    name: `diff: GET ${CATEGORY}`,
    steps: [{ method: 'GET', path: CATEGORY }],
    source: { feature: 'scenario', route: '/api/scenario/:id/category', fields: ['requires_consent'], seen: 3 }
  })
  t.equal(cases.cases[0].skip, undefined, 'a GET can be replayed')

  const golden = path.join(dir, 'golden.json')
  t.equal((await runCli(['golden', 'record', '--cases', casesFile, '--target', legacy.url, '--out', golden])).code, 0)
  const verified = await runCli(['golden', 'verify', '--golden', golden, '--target', changed])
  t.equal(verified.code, 1, 'the production diff is now a failing regression test')
  t.match(verified.out, /changed requires_consent: golden false, now true/)
  t.equal((await runCli(['golden', 'verify', '--golden', golden, '--target', candidate.url])).code, 0, 'and passes once new agrees')
})

t.test('records from a file: a POST becomes a skipped case saying what to fill in', async (t) => {
  const result = { verdict: 'different' as const, differences: [{ kind: 'changed' as const, path: 'response', legacy: 'a', candidate: 'b' }], noiseDropped: 0 }
  const post = buildDiffRecord({ feature: 'chat', route: '/api/chat', method: 'POST', url: '/api/chat', sessionId: 'abc', legacy: { status: 200, latencyMs: 5 }, candidate: { status: 200, latencyMs: 6 }, result })
  const get = buildDiffRecord({ feature: 'x', route: '/api/x', method: 'GET', url: '/api/x?page=2', legacy: { status: 200, latencyMs: 5 }, candidate: { status: 404, latencyMs: 6 }, result })
  const dir = t.testdir()
  await writeFile(path.join(dir, 'diffs.json'), JSON.stringify({ records: [post, get] }))
  const casesFile = path.join(dir, 'cases.yaml')
  const run = await runCli(['golden', 'from-diffs', '--input', path.join(dir, 'diffs.json'), '--out', casesFile])
  t.equal(run.code, 0, run.err)
  t.match(run.out, /2 cases from 2 diff records .*\(1 marked skip/)
  const cases = parseCasesFile(await readFile(casesFile, 'utf8'), casesFile).cases
  t.match(cases[0], { name: 'diff: POST /api/chat', skip: /request body is not in the diff record/, description: /session whose state is not recorded/ })
  t.match(cases[1], { name: 'diff: GET /api/x?page=', description: /query values were not recorded/, source: { statuses: '200/404' } })
  t.equal(cases[1].skip, undefined)

  const legacy = await startStandIn(t)
  const recorded = await runCli(['golden', 'record', '--cases', casesFile, '--target', legacy.url, '--out', path.join(dir, 'golden.json')])
  t.match(recorded.out, /1 cases recorded .*1 skipped/, 'record runs what it can and lists the rest')
})

t.test('a file that is not diff records is refused', async (t) => {
  const dir = t.testdir({ 'diffs.json': '{"nope": 1}' })
  const run = await runCli(['golden', 'from-diffs', '--input', path.join(dir, 'diffs.json'), '--out', path.join(dir, 'c.yaml')])
  t.equal(run.code, 1)
  t.match(run.err, /expected the JSON of GET \/admin\/diffs/)
})
