/** `start --workers N`: a Node cluster of gateways sharing one port; a dead worker is replaced. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { request } from 'undici'
import { main } from '../../../../gateway/tooling/cli/main.js'
import { parseWorkers } from '../../../../gateway/runtime/cluster.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'
import { REDIS_URL, uniquePrefix } from '../../../helpers/requirements.js'

const CLI = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url))

t.test('--workers parsing and the REDIS_URL requirement', async (t) => {
  t.equal(parseWorkers('3'), 3)
  t.ok((parseWorkers('auto') ?? 0) >= 1)
  for (const bad of ['0', '-1', '1.5', 'many']) t.equal(parseWorkers(bad), undefined, bad)
  const err = new PassThrough()
  let stderr = ''
  err.on('data', (c: Buffer) => { stderr += c.toString() })
  const saved = process.env.REDIS_URL
  delete process.env.REDIS_URL
  t.teardown(() => { if (saved !== undefined) process.env.REDIS_URL = saved })
  t.equal(await main(['start', '--workers', '2', '--config', 'routes.yaml'], { err, out: new PassThrough() }), 2)
  t.match(stderr, /--workers 2 needs REDIS_URL/)
  t.equal(await main(['start', '--workers', 'zero'], { err, out: new PassThrough() }), 2)
})

t.test('two workers serve one port; a killed worker is replaced; SIGTERM stops all', async (t) => {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(() => legacy.close())
  const dir = await mkdtemp(join(tmpdir(), 'sg-cluster-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'routes.yaml')
  // Short shutdown figures: nothing is in flight at the SIGTERM below.
  await writeFile(file, routesYaml({ legacy: legacy.url, new: legacy.url, shutdown: { delayMs: 100, graceMs: 1_000 } }))

  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', CLI, 'start', '--workers', '2', '--config', file], {
    // A prefix of its own, for when startGateway reads REDIS_URL (it only reads overrides here).
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REDIS_URL, GATEWAY_REDIS_PREFIX: uniquePrefix('cluster'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  const waiters: Array<() => void> = []
  const onData = (chunk: Buffer): void => {
    output += chunk.toString()
    for (const wake of waiters.splice(0)) wake()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const waitFor = async (pattern: RegExp, count = 1): Promise<RegExpMatchArray[]> => {
    const deadline = Date.now() + 30_000
    for (;;) {
      const found = [...output.matchAll(new RegExp(pattern, 'g'))]
      if (found.length >= count) return found
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} (x${count}) in:\n${output}`)
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200) })
    }
  }

  const started = await waitFor(/"worker":(\d+),"msg":"worker started"/, 2)
  const listening = await waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/, 2)
  const ports = new Set(listening.map((m) => m[1]))
  t.equal(ports.size, 1, 'both workers share one port')
  const url = [...ports][0]
  const res = await request(`${url}/anything`)
  t.equal(res.headers['x-served-by'], 'legacy')
  await res.body.dump()

  process.kill(Number(started[0][1]), 'SIGKILL')
  await waitFor(/worker exited; starting a replacement/)
  await waitFor(/"msg":"worker started"/, 3)
  const again = await request(`${url}/anything`)
  t.equal(again.statusCode, 200, 'still served while and after a worker is replaced')
  await again.body.dump()

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0, 'the primary exits cleanly once every worker drained')
  t.match(output, /all workers stopped/)
})
