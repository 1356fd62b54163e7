/**
 * A real gateway process (`strangler-gateway start`, from the sources). With no OTLP endpoint
 * set it loads nothing of OpenTelemetry and adds no traceparent; with one set it loads the SDK,
 * traces, and its spans reach the collector at SIGTERM, within the shutdown budget, before the
 * batch processor's own schedule would have sent them.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { routesYaml } from '../../helpers/gateway.js'
import { startServer } from '../../helpers/http-server.js'
import { SPAN_KIND, startOtlpReceiver } from '../../helpers/otlp-receiver.js'

const CLI = fileURLToPath(new URL('../tooling/cli/fixtures/cli.ts', import.meta.url))
const RECORD_MODULES = fileURLToPath(new URL('../../helpers/record-modules.mjs', import.meta.url))

interface Run { seen: IncomingHttpHeaders[], modules: string[], code: number | null, output: string }

/** Starts the gateway with `env`, sends one request through it, stops it with SIGTERM. */
async function runOnce (t: Test, env: NodeJS.ProcessEnv): Promise<Run> {
  const seen: IncomingHttpHeaders[] = []
  const upstream = await startServer((req, res) => {
    // Readiness probes legacy's /health too: only the proxied request counts.
    if (req.url === '/api/anything') seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  t.teardown(upstream.close)
  const dir = await mkdtemp(join(tmpdir(), 'sg-tracing-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'routes.yaml')
  const modulesFile = join(dir, 'modules.txt')
  await writeFile(modulesFile, '')
  await writeFile(file, routesYaml({ legacy: upstream.url, new: upstream.url, shutdown: { delayMs: 0, graceMs: 1000 } }))
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECORD_MODULES_FILE: modulesFile, ...env }
  for (const name of ['REDIS_URL', 'GATEWAY_ADMIN_TOKEN', 'ROUTES_FILE']) delete childEnv[name]
  for (const name of Object.keys(childEnv)) if (name.startsWith('OTEL_') && env[name] === undefined) delete childEnv[name]
  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', '--import', RECORD_MODULES, CLI, 'start', '--config', file], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const exited = once(child, 'exit')
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  let url: string | undefined
  for (const deadline = Date.now() + 30_000; url === undefined; await new Promise((resolve) => setTimeout(resolve, 50))) {
    url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the gateway did not start:\n${output}`)
  }
  const response = await request(`${url}/api/anything`)
  await response.body.text()
  child.kill('SIGTERM')
  const [code] = await exited
  const modules = (await readFile(modulesFile, 'utf8')).split('\n').filter((line) => line !== '')
  return { seen, modules, code: code as number | null, output }
}

const otel = (modules: string[]): string[] => modules.filter((url) => url.includes('/@opentelemetry/'))

t.test('no OTLP endpoint: no OpenTelemetry module is loaded and no traceparent is added', async (t) => {
  const run = await runOnce(t, {})
  t.equal(run.code, 0, run.output)
  t.ok(run.modules.some((url) => url.includes('/fastify/')), 'the module recorder saw the gateway load')
  t.same(otel(run.modules), [], 'nothing of OpenTelemetry loaded')
  t.equal(run.seen.length, 1)
  t.equal(run.seen[0].traceparent, undefined, 'no traceparent added')
  t.equal(run.seen[0].tracestate, undefined)
})

t.test('an OTLP endpoint: the SDK is loaded, the upstream gets a traceparent, and SIGTERM exports the spans', async (t) => {
  const receiver = await startOtlpReceiver(t)
  // The batch processor would wait 60 s: only the shutdown's flush can have sent the span.
  const run = await runOnce(t, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_SERVICE_NAME: 'gw-process' })
  t.equal(run.code, 0, run.output)
  t.not(otel(run.modules).length, 0, 'OpenTelemetry loaded')
  t.match(run.seen[0].traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'a sampled traceparent (parentbased_always_on by default)')
  const server = receiver.spans.find((span) => span.kind === SPAN_KIND.SERVER)
  t.ok(server, 'the server span was exported at shutdown')
  t.equal(server?.traceId, String(run.seen[0].traceparent).split('-')[1], 'the trace the upstream was told of')
  t.equal(server?.resource['service.name'], 'gw-process')
  t.match(run.output, /tracing on: exporting spans over OTLP\/HTTP/, 'the process said tracing is on')
})
