/**
 * Node cluster mode for one machine: a primary process forks one gateway per worker, all sharing
 * the listening port; a worker that dies is replaced; SIGTERM/SIGINT drain every worker, SIGHUP
 * makes each reload routes.yaml.
 *
 * Several workers are several replicas: admin overrides must be shared through Redis, or a
 * rollback would only reach the one worker that happened to take the call. So without
 * REDIS_URL or REDIS_CLUSTER_NODES, more than one worker is refused.
 */
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { redisTargetFromEnv } from '@strangler-gateway/flask-session'

const RESPAWN_DELAY_MS = 1_000
/** A worker dying sooner than this after its start counts as crash-looping: slow down. */
const CRASH_LOOP_MS = 5_000
const MAX_RESPAWN_DELAY_MS = 30_000

export interface ClusterOptions {
  workers: number
  configFile: string
  env: NodeJS.ProcessEnv
  log: NodeJS.WritableStream
}

export type ClusterResult = { ok: true } | { ok: false, reason: string }

export function parseWorkers (value: string): number | undefined {
  if (value === 'auto') return availableParallelism()
  const n = Number(value)
  return Number.isInteger(n) && n >= 1 ? n : undefined
}

export async function runCluster (options: ClusterOptions): Promise<ClusterResult> {
  if (cluster.isWorker) {
    const { startGateway } = await import('./server.js')
    await startGateway({ configFile: options.configFile })
    return { ok: true }
  }
  const { workers, env, log } = options
  if (workers > 1 && redisTargetFromEnv(env) === undefined) {
    return { ok: false, reason: `--workers ${workers} needs REDIS_URL or REDIS_CLUSTER_NODES: each worker is a replica, and admin overrides (rollback) must reach all of them` }
  }
  const say = (fields: Record<string, unknown>, msg: string): void => {
    log.write(`${JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, role: 'cluster-primary', ...fields, msg })}\n`)
  }
  let stopping = false
  let respawnDelay = RESPAWN_DELAY_MS
  const startedAt = new Map<Worker, number>()

  const fork = (): void => {
    const worker = cluster.fork(env)
    startedAt.set(worker, Date.now())
    say({ worker: worker.process.pid }, 'worker started')
  }
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0)
    startedAt.delete(worker)
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        say({}, 'all workers stopped')
        process.exit(0)
      }
      return
    }
    respawnDelay = lived < CRASH_LOOP_MS ? Math.min(respawnDelay * 2, MAX_RESPAWN_DELAY_MS) : RESPAWN_DELAY_MS
    say({ worker: worker.process.pid, code, signal, respawnInMs: respawnDelay }, 'worker exited; starting a replacement')
    setTimeout(() => { if (!stopping) fork() }, respawnDelay)
  })

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    say({ signal }, 'stopping: workers drain in-flight requests, then exit')
    const live = Object.values(cluster.workers ?? {})
    if (live.length === 0) process.exit(0)
    for (const worker of live) worker?.process.kill('SIGTERM')
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  process.on('SIGHUP', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP')
  })
  for (let i = 0; i < workers; i++) fork()
  return { ok: true }
}
