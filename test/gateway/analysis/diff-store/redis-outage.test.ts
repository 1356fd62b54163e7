import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import { Redis } from 'ioredis'
import t from 'tap'
import type { Test } from 'tap'
import { createRedisDiffStore } from '../../../../gateway/analysis/diff-store/redis-diff-store.js'
import { uniquePrefix } from '../../../helpers/requirements.js'
import { sampleRecord } from './helpers.js'

async function freePort (): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

async function until (check: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return false
}

/** A throwaway Redis of this test's own: the shared one is never stopped. */
async function startRedis (port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  await until(async () => {
    try {
      await probe.connect()
      return (await probe.ping()) === 'PONG'
    } catch {
      return false
    }
  })
  probe.disconnect()
  return child
}

async function stopRedis (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGKILL')
  await once(child, 'exit')
}

/** These suites start their own redis-server; skip loudly without the binary, fail under CI. */
function hasRedisServer (t: Test): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    if (process.env.CI === 'true') t.fail('redis-server is not installed; CI requires it')
    else t.comment('!!! SKIPPING: redis-server is not installed')
    return false
  }
}

t.test('Redis stops mid-run: no throw, drops counted; after restart records land again', async (t) => {
  if (!hasRedisServer(t)) return
  const port = await freePort()
  let server = await startRedis(port)
  t.teardown(() => stopRedis(server))
  const prefix = uniquePrefix('diff-outage')
  const store = createRedisDiffStore({ redis: `redis://127.0.0.1:${port}`, prefix, commandTimeoutMs: 500 })
  t.teardown(() => store.close())
  t.ok(await until(() => store.stats().connected), 'connected')

  await store.record(sampleRecord())
  t.match(store.stats(), { recordsWritten: 1, recordsDropped: 0 })

  await stopRedis(server)
  await until(() => !store.stats().connected)
  for (let i = 0; i < 10; i++) {
    // Awaited on purpose: a rejection here would fail the test.
    await store.record(sampleRecord())
    await store.countOutcome('chat', '/api/chat', 'dropped')
  }
  t.match(store.stats(), { recordsWritten: 1, recordsDropped: 10, countersDropped: 10, connected: false })
  t.match(store.stats().lastError, /redis is|Connection|connect|ECONNREFUSED|closed/i)
  await t.rejects(store.summary(), 'admin reads fail loudly while Redis is away')

  server = await startRedis(port)
  t.ok(await until(() => store.stats().connected), 'ioredis reconnected on its own')
  await store.record(sampleRecord())
  await store.record(sampleRecord())
  t.match(store.stats(), { recordsWritten: 3, recordsDropped: 10 })
  const check = new Redis({ port, host: '127.0.0.1' })
  t.teardown(() => check.quit())
  t.equal(await check.llen(`${prefix}records:chat:/api/chat`), 2, 'records written after the restart are in Redis')
  t.match((await store.summary()).routes, [{ route: '/api/chat', different: 2 }])
})

t.test('Redis hangs: writes time out or are refused past maxInFlight, nothing piles up, then recovers', async (t) => {
  if (!hasRedisServer(t)) return
  const port = await freePort()
  const server = await startRedis(port)
  t.teardown(() => stopRedis(server))
  const prefix = uniquePrefix('diff-hang')
  const store = createRedisDiffStore({ redis: `redis://127.0.0.1:${port}`, prefix, commandTimeoutMs: 300, maxInFlight: 5 })
  t.teardown(() => store.close())
  t.ok(await until(() => store.stats().connected), 'connected')

  server.kill('SIGSTOP')
  t.teardown(() => { server.kill('SIGCONT') })
  const writes = Array.from({ length: 20 }, () => store.record(sampleRecord()))
  t.equal(store.stats().inFlight, 5, 'only maxInFlight writes wait for Redis')
  await Promise.all(writes)
  t.match(store.stats(), { recordsWritten: 0, recordsDropped: 20, inFlight: 0 })

  server.kill('SIGCONT')
  t.ok(await until(() => store.stats().connected), 'ready again')
  let landed = false
  await until(async () => {
    await store.record(sampleRecord())
    landed = store.stats().recordsWritten > 0
    return landed
  })
  t.ok(landed, 'records land once Redis answers again')
})
