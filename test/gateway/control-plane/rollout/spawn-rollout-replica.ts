/** Runs fixtures/rollout-replica.ts in its own process; the test kills it (SIGKILL) or stops it. */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const FIXTURE = fileURLToPath(new URL('./fixtures/rollout-replica.ts', import.meta.url))

export interface RolloutReplica {
  url: string
  replicaId: string
  child: ChildProcess
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

export async function spawnRolloutReplica (env: Record<string, string>, startTimeoutMs = 30_000): Promise<RolloutReplica> {
  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4_000) })
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }
  const timer = setTimeout(() => { kill().catch(() => {}) }, startTimeoutMs)
  try {
    const [line] = await Promise.race([
      once(createInterface({ input: child.stdout! }), 'line') as Promise<[string]>,
      once(child, 'exit').then(([code]) => { throw new Error(`rollout replica exited with ${String(code)}`) })
    ])
    const { url, replicaId } = JSON.parse(line) as { url: string, replicaId: string }
    return { url, replicaId, child, kill }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${stderr}`)
  } finally {
    clearTimeout(timer)
  }
}
