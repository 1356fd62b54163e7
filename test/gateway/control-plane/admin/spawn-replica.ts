/** Starts fixtures/replica.ts as a child process; stopped (SIGTERM, then SIGKILL) by the caller. */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const REPLICA = fileURLToPath(new URL('./fixtures/replica.ts', import.meta.url))
const START_TIMEOUT_MS = 20_000

export interface Replica {
  url: string
  child: ChildProcess
  stop: () => Promise<void>
}

export async function spawnReplica (env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', REPLICA], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(() => { fail(new Error('replica did not start in time')) }, START_TIMEOUT_MS)
    function fail (err: Error): void {
      clearTimeout(timer)
      stop().catch(() => {})
      reject(new Error(`${err.message}\n${stderr}`))
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const line = stdout.split('\n')[0]
      if (stdout.includes('\n')) {
        clearTimeout(timer)
        resolve((JSON.parse(line) as { url: string }).url)
      }
    })
    child.once('exit', (code) => fail(new Error(`replica exited with ${code}`)))
  })
  return { url, child, stop }
}
