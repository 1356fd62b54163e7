import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { buildGateway } from '../../../gateway/data-plane/build-gateway.js'
import { namedUpstream, startServer } from '../../helpers/http-server.js'
import { routesYaml } from '../../helpers/gateway.js'

t.test('reloading routes.yaml under load', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const candidate = await startServer(namedUpstream('new'))
  t.teardown(candidate.close)
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-reload-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'routes.yaml')
  const good = (enabled: boolean): string => routesYaml({
    legacy: legacy.url,
    new: candidate.url,
    features: { chat: { enabled, canary: 100 } },
    routes: [{ path: '/api/chat', feature: 'chat' }]
  })
  await writeFile(file, good(true))

  const logs: Array<Record<string, unknown>> = []
  const { default: pino } = await import('pino')
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as Record<string, unknown>) } })
  const app = await buildGateway({ configFile: file, watchConfig: true, env: {}, logger })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())

  let failed = 0
  let servedByNew = 0
  let total = 0
  const state = { running: true }
  const worker = async (): Promise<void> => {
    while (state.running) {
      const response = await request(`${url}/api/chat`).catch(() => null)
      total++
      if (response === null || response.statusCode !== 200) failed++
      if (response?.headers['x-served-by'] === 'new') servedByNew++
      await response?.body.text()
    }
  }
  const workers = Array.from({ length: 8 }, worker)
  await new Promise((resolve) => setTimeout(resolve, 200))

  // A broken file, written the way editors do (temp file + rename): the watcher reloads and rejects it.
  const broken = good(true).replace('canary: 100', 'canary: 250\n    surprise: true')
  await writeFile(`${file}.tmp`, broken)
  await rename(`${file}.tmp`, file)
  await new Promise((resolve) => setTimeout(resolve, 600))
  const viaApi = await app.gateway.reload()
  state.running = false
  await Promise.all(workers)

  t.equal(failed, 0, `no failed request out of ${total}`)
  t.equal(servedByNew, total, 'the old routing stayed in force')
  t.equal(viaApi.ok, false)
  if (!viaApi.ok) {
    t.match(viaApi.problems.join('\n'), /routes\.yaml:\d+:\d+ features\.chat\.canary: must be <= 100/)
    t.match(viaApi.problems.join('\n'), /routes\.yaml:\d+:\d+ features\.chat\.surprise: unknown key/)
  }
  const rejected = logs.filter((l) => l.msg === 'routes reload rejected; the previous configuration stays in force')
  t.ok(rejected.length >= 2, 'the watcher and the explicit reload both logged the problems')

  await writeFile(file, good(false))
  const ok = await app.gateway.reload()
  t.equal(ok.ok, true)
  const after = await request(`${url}/api/chat`)
  t.equal(after.headers['x-served-by'], 'legacy', 'a good file applies to new requests')
  await after.body.text()
})

t.test('in-flight requests finish on the configuration they started with', async (t) => {
  let release: (() => void) | undefined
  const slow = await startServer((_req, res) => { release = () => res.end('slow new') })
  t.teardown(slow.close)
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-reload-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'routes.yaml')
  const yaml = (upstream: string): string => routesYaml({
    legacy: legacy.url, new: upstream, features: { chat: { enabled: true, canary: 100 } }, routes: [{ path: '/api/chat', feature: 'chat' }]
  })
  await writeFile(file, yaml(slow.url))
  const app = await buildGateway({ configFile: file, env: {} })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())

  const pending = request(`${url}/api/chat`)
  const released = async (): Promise<() => void> => {
    for (;;) {
      if (release !== undefined) return release
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
  const finish = await released()
  await writeFile(file, yaml('http://127.0.0.1:9'))
  t.equal((await app.gateway.reload()).ok, true, 'new upstream URL applied')
  finish()
  const response = await pending
  t.equal(response.statusCode, 200)
  t.equal(await response.body.text(), 'slow new', 'the old pool finished the in-flight request')
})
