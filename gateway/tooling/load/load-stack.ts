/**
 * What a load run needs: the legacy stand-in and the new services (offline model, one shared
 * Flask-Session directory, as in the embedded default) in this process, and the gateway in a
 * child process of its own whose memory is read from its /metrics.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { buildLegacyStandIn } from '@strangler-gateway/legacy-stand-in'
import { buildNewServices } from '@strangler-gateway/new-services'
import { parseExposition, type MetricFamily } from '../../core/parse-exposition.js'

const SESSION_POOL_SIZE = 200
const GATEWAY_START_TIMEOUT_MS = 30_000

export interface Backends {
  legacyUrl: string
  newUrl: string
  /** Session ids the load spreads over, so the canary splits by session as it would for users. */
  sessionIds: string[]
  close: () => Promise<void>
}

export async function startBackends (): Promise<Backends> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-load-'))
  const apps: FastifyInstance[] = []
  try {
    const legacy = await buildLegacyStandIn({ sessionDir: dir })
    apps.push(legacy)
    const candidate = await buildNewServices({ session: { mode: 'filesystem', dir }, env: {}, llm: { mode: 'offline' } })
    apps.push(candidate)
    const legacyUrl = await legacy.listen({ port: 0, host: '127.0.0.1' })
    const newUrl = await candidate.listen({ port: 0, host: '127.0.0.1' })
    return {
      legacyUrl,
      newUrl,
      sessionIds: Array.from({ length: SESSION_POOL_SIZE }, () => randomUUID()),
      close: async () => {
        await Promise.all(apps.map(async (app) => await app.close()))
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await Promise.all(apps.map(async (app) => await app.close()))
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

export interface GatewayProcess {
  url: string
  pid: number
  metrics: () => Promise<Map<string, MetricFamily>>
  stop: () => Promise<void>
}

/** Sum of a metric's samples (every label set); 0 when it is absent. */
export function metricTotal (metrics: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  return (metrics.get(name)?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)
}

export async function startGatewayProcess (routesYaml: string): Promise<GatewayProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strangler-load-gateway-'))
  const routesFile = path.join(dir, 'routes.yaml')
  await writeFile(routesFile, routesYaml)
  const here = fileURLToPath(import.meta.url)
  const script = path.join(path.dirname(here), `gateway-process${path.extname(here)}`)
  // execArgv carries tsx's loader when this runs from the TypeScript sources.
  const child = spawn(process.execPath, [...process.execArgv, script], {
    env: { ...process.env, ROUTES_FILE: routesFile },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let port: number
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the gateway process did not start in time')), GATEWAY_START_TIMEOUT_MS)
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the gateway process exited with ${String(code)}`)) })
      child.stdout?.once('data', (data: Buffer) => {
        clearTimeout(timer)
        resolve((JSON.parse(data.toString().split('\n')[0]) as { port: number }).port)
      })
    })
  } catch (err) {
    child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    pid: child.pid as number,
    metrics: async () => {
      const response = await request(`${url}/metrics`)
      return parseExposition(await response.body.text())
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    }
  }
}
