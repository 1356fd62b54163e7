/**
 * A real Redis Cluster for a test file: Debian's redis-server on free 127.0.0.1 ports with
 * `--cluster-enabled yes`, each node in its own temp dir and without persistence, joined by
 * `redis-cli --cluster create`. Started once per file, stopped at teardown (its keys go with it:
 * nothing is persisted); the nodes are also killed when the test process exits or is signalled,
 * so a failing or killed test leaves none.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { Cluster, Redis } from 'ioredis'
import type { RedisClusterTarget } from '@strangler-gateway/flask-session'

const run = promisify(execFile)
const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 20_000
const POLL_MS = 50

export interface RedisClusterHandle {
  /** What REDIS_CLUSTER_NODES would say, parsed. */
  target: RedisClusterTarget
  /** The REDIS_CLUSTER_NODES value. */
  nodesSetting: string
  /** A client of the test's own, for looking at keys. */
  client: Cluster
  /** Promotes the replica of the master that serves `key`'s slot (CLUSTER FAILOVER); resolves once clients can use it. */
  failover: (key: string) => Promise<{ from: number, to: number }>
  /** Kills (SIGKILL) the master that serves `key`'s slot once its replica has its writes; resolves once the replica took over. */
  killMaster: (key: string) => Promise<{ from: number, to: number }>
  stop: () => Promise<void>
}

interface TapLike {
  teardown: (fn: () => unknown) => void
}

/** A port whose cluster bus port (given explicitly) is free too. */
async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not reached within ${timeoutMs} ms`)
    await sleep(POLL_MS)
  }
}

export interface RedisClusterOptions {
  masters?: number
  replicasPerMaster?: number
  /** requirepass (and masterauth) on every node; the target carries it. */
  password?: string
}

/** Starts `masters` masters, each with `replicasPerMaster` replicas, and waits for cluster_state:ok on every node. */
export async function startRedisCluster (t: TapLike, options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3
  const replicas = options.replicasPerMaster ?? 0
  const { password } = options
  // redis-cli takes the password from the environment, never from its arguments.
  const cliEnv = password === undefined ? process.env : { ...process.env, REDISCLI_AUTH: password }
  const cli = async (port: number, ...args: string[]): Promise<string> => {
    const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 10_000, env: cliEnv })
    return stdout
  }
  const nodeClient = (port: number): Redis => new Redis({ port, host: HOST, ...(password === undefined ? {} : { password }) })
  /** The port of the node that `port`'s node says serves `slot`. */
  const masterOf = async (port: number, slot: number): Promise<number> => {
    const node = nodeClient(port)
    try {
      const ranges = await node.call('cluster', 'slots') as Array<[number, number, [string, number, string]]>
      const range = ranges.find(([first, last]) => slot >= first && slot <= last)
      return range === undefined ? -1 : Number(range[2][1])
    } finally {
      node.disconnect()
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'sg-redis-cluster-'))
  const children: ChildProcess[] = []
  const killAll = (): void => { for (const child of children) if (child.exitCode === null) child.kill('SIGKILL') }
  const onSignal = (signal: NodeJS.Signals): void => { killAll(); process.kill(process.pid, signal) }
  process.once('exit', killAll)
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)

  const opened: Cluster[] = []
  const stop = async (): Promise<void> => {
    for (const client of opened) client.disconnect()
    await Promise.all(children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }))
    process.off('exit', killAll)
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    await rm(dir, { recursive: true, force: true })
  }
  t.teardown(stop)

  const ports: number[] = []
  for (let i = 0; i < masters * (1 + replicas); i++) {
    const port = await freePort()
    const busPort = await freePort()
    const nodeDir = join(dir, String(port))
    await run('mkdir', ['-p', nodeDir])
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
      '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--dir', nodeDir,
      '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--daemonize', 'no',
      ...(password === undefined ? [] : ['--requirepass', password, '--masterauth', password])
    ], { stdio: 'ignore' })
    children.push(child)
    ports.push(port)
  }
  await Promise.all(ports.map(async (port) => { await until(`PING on ${port}`, async () => (await cli(port, 'ping')).trim() === 'PONG') }))
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
    { timeout: READY_TIMEOUT_MS, env: cliEnv })
  await until('cluster_state:ok on every node', async () => {
    for (const port of ports) {
      const info = await cli(port, 'cluster', 'info')
      if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${ports.length}`)) return false
    }
    return true
  })
  if (replicas > 0) {
    await until('every replica in sync', async () => {
      for (const port of ports) {
        const info = await cli(port, 'info', 'replication')
        if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false
      }
      return true
    })
  }

  const target: RedisClusterTarget = { clusterNodes: ports.map((port) => ({ host: HOST, port })), ...(password === undefined ? {} : { password }) }
  const client = new Cluster(target.clusterNodes, password === undefined ? {} : { redisOptions: { password } })
  opened.push(client)
  await until('the test client ready', async () => client.status === 'ready')

  const alive = (): number[] => ports.filter((_port, i) => children[i].exitCode === null && children[i].signalCode === null)
  /** The master serving `key`'s slot and its replica, once the replica has every write (WAIT). */
  const masterAndReplica = async (key: string): Promise<{ slot: number, from: number, to: number }> => {
    const [someNode] = alive()
    const slot = Number(await cli(someNode, 'cluster', 'keyslot', key))
    const from = await masterOf(someNode, slot)
    const master = nodeClient(from)
    try {
      const masterId = await master.call('cluster', 'myid') as string
      let to = Number.NaN
      // Right after a failover the old master may not be listed as the new one's replica yet.
      await until(`a replica of the master on ${from}`, async () => {
        const replicaLines = await master.call('cluster', 'replicas', masterId) as string[]
        to = Number(/:(\d+)@/.exec(replicaLines.find((line) => !line.includes('fail')) ?? '')?.[1])
        return Number.isInteger(to)
      })
      await until(`the replica on ${to} in sync`, async () => Number(await master.call('wait', '1', '1000')) >= 1)
      return { slot, from, to }
    } finally {
      master.disconnect()
    }
  }
  const promoted = async (slot: number, to: number): Promise<void> => {
    await until(`${to} promoted for slot ${slot}`, async () => {
      for (const port of alive()) if (await masterOf(port, slot) !== to) return false
      return true
    })
    await until('cluster_state:ok after the failover', async () => {
      for (const port of alive()) if (!(await cli(port, 'cluster', 'info')).includes('cluster_state:ok')) return false
      return true
    })
  }

  const failover = async (key: string): Promise<{ from: number, to: number }> => {
    const { slot, from, to } = await masterAndReplica(key)
    await cli(to, 'cluster', 'failover')
    await promoted(slot, to)
    return { from, to }
  }

  const killMaster = async (key: string): Promise<{ from: number, to: number }> => {
    const { slot, from, to } = await masterAndReplica(key)
    const child = children[ports.indexOf(from)]
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
    // The replica takes over once the others have marked its master failed (cluster-node-timeout).
    await promoted(slot, to)
    return { from, to }
  }

  return { target, nodesSetting: ports.map((p) => `${HOST}:${p}`).join(','), client, failover, killMaster, stop }
}
