/** Starts a benchmark server as a child process (on `cpus`, when given) and reads the port it prints. */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pinned } from './pinning.js'
import type { Started } from './started.js'

const here = path.dirname(fileURLToPath(import.meta.url))

export interface StartOptions {
  env?: Record<string, string>
  /** taskset's cpu list; absent or null: wherever this process runs. */
  cpus?: string | null
  /** Extra node options (`--cpu-prof`). */
  nodeArgs?: string[]
  /** The bench/servers folder to start it from (another checkout's, for an A/B); default this one. */
  serversDir?: string
}

export async function startServerProcess (name: string, options: StartOptions = {}): Promise<Started> {
  const file = path.join(options.serversDir ?? here, `${name}.ts`)
  const [command, args] = pinned(options.cpus ?? null, process.execPath, [...(options.nodeArgs ?? []), '--conditions=strangler-gateway-source', '--import', 'tsx', file])
  const proc = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    proc.stdout?.once('data', (data: Buffer) => resolve((JSON.parse(data.toString().split('\n')[0]) as { port: number }).port))
  })
  return { port, url: `http://127.0.0.1:${port}`, proc, stop: () => proc.kill('SIGTERM') }
}

export function startNginx (upstreamPort: number, port: number, mirrorPort?: number, cpus: string | null = null): Promise<Started> {
  return import('./nginx.js').then(async ({ runNginx }) => await runNginx(upstreamPort, port, mirrorPort, cpus))
}
