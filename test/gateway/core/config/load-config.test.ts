import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { loadRoutesFile, parseRoutesConfig, RoutesConfigError } from '../../../../gateway/core/config/load-config.js'
import { validateCommand } from '../../../../gateway/tooling/cli/validate.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoutes = path.join(here, '../../../../routes.yaml')
const invalid = path.join(here, '../../../fixtures/routes/invalid.yaml')

t.test('the shipped routes.yaml is valid, complete and frozen', async (t) => {
  const config = await loadRoutesFile(repoRoutes)
  t.same(Object.keys(config.features).sort(), ['chat', 'scenario', 'session', 'watch'])
  for (const [name, feature] of Object.entries(config.features)) t.equal(feature.enabled, false, `${name} starts off`)
  t.equal(config.session.cookie, 'session')
  t.equal(config.upstreams.legacy.timeouts.connectMs, 2000, 'defaults filled in')
  t.ok(Object.isFrozen(config.routes[0]), 'deeply frozen')
  t.throws(() => { (config.features.chat as { canary: number }).canary = 50 })
})

t.test('every problem at once, each with file:line:col and a path', async (t) => {
  const error = await loadRoutesFile(invalid).catch((err: unknown) => err) as RoutesConfigError
  t.ok(error instanceof RoutesConfigError)
  t.equal(error.code, 'GW_ERR_CONFIG_INVALID')
  t.same(error.problems, [
    'invalid.yaml:2:18 upstreams.legacy.url: must be an http:// or https:// URL',
    'invalid.yaml:5:5 upstreams.new.timeout: unknown key (not in the routes.yaml schema)',
    'invalid.yaml:7:3 features.Chat: feature names are lower-case letters, digits and _ (they become USE_NEW_<FEATURE>)',
    'invalid.yaml:9:13 features.chat.canary: must be <= 100',
    'invalid.yaml:10:33 features.chat.shadow.mode: must be one of stateless, stateful',
    'invalid.yaml:12:50 routes[0].feature: feature "nope" is not defined under features',
    'invalid.yaml:13:5 routes[1].path: is required',
    'invalid.yaml:14:13 routes[2].path: a wildcard is only allowed as the last segment, as in /api/watch/*'
  ])
})

t.test('YAML syntax errors and duplicate keys are positioned too', async (t) => {
  t.throws(() => parseRoutesConfig('routes: [\n  a: 1\n'), /routes\.yaml:\d+:\d+ \(yaml\)/)
  t.throws(() => parseRoutesConfig('routes: []\nroutes: []\n'), /routes\.yaml:2:1 \(yaml\): Map keys must be unique/)
})

t.test('validate command: exit code and output', async (t) => {
  const out = new PassThrough()
  const err = new PassThrough()
  t.equal(await validateCommand(repoRoutes, out, err), 0)
  t.match(String(out.read()), /ok \(\d+ routes, 4 features\)/)
  t.equal(await validateCommand(invalid, out, err), 1)
  const text = String(err.read())
  t.match(text, /invalid\.yaml:9:13 features\.chat\.canary: must be <= 100/)
  t.match(text, /8 problems in /)
  t.equal(await validateCommand(path.join(here, 'missing.yaml'), out, err), 1)
  t.match(String(err.read()), /cannot read .*missing\.yaml/)
})

t.test('validate command: a rollout plan that loads but could not run is a problem', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-validate-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'routes.yaml')
  await writeFile(file, [
    'upstreams: { legacy: { url: "http://127.0.0.1:5001" }, new: { url: "http://127.0.0.1:5002" } }',
    'features:',
    '  chat: { shadow: { sample: 0 }, rollout: { steps: [shadow, 50, 10] } }',
    'routes: [{ path: /api/chat, feature: chat }]',
    ''
  ].join('\n'))
  t.ok(await loadRoutesFile(file), 'the gateway itself loads it (the rollout is refused at its start)')
  const out = new PassThrough()
  const err = new PassThrough()
  t.equal(await validateCommand(file, out, err), 1)
  const text = String(err.read())
  t.match(text, /features\.chat\.rollout: steps\[2\]: 10 does not grow from 50/)
  t.match(text, /features\.chat\.rollout: the shadow step needs shadow\.sample > 0/)
  t.match(text, /2 problems in /)
})
