/** Starts a benchmark server as a child process and reads the port it prints. */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Started } from './started.js'

const here = path.dirname(fileURLToPath(import.meta.url))

export async function startServerProcess (name: string, env: Record<string, string> = {}): Promise<Started> {
  const file = path.join(here, `${name}.ts`)
  const proc = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    proc.stdout?.once('data', (data: Buffer) => resolve((JSON.parse(data.toString().split('\n')[0]) as { port: number }).port))
  })
  return { port, url: `http://127.0.0.1:${port}`, proc, stop: () => proc.kill('SIGTERM') }
}

export function startNginx (upstreamPort: number, port: number, mirrorPort?: number): Promise<Started> {
  return import('./nginx.js').then(async ({ runNginx }) => await runNginx(upstreamPort, port, mirrorPort))
}
