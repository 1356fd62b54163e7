/**
 * `npm start`: the embedded default. The gateway (PORT, default 8080) runs in this process with
 * diffs in memory; once it listens, the legacy stand-in (5001) and the new services (5002) start
 * as child processes sharing one Flask-Session filesystem store. The ready line is printed only
 * when all three answer: the gateway's /ready 200 (which needs legacy), legacy's /health and new's
 * /health. If they do not within 30 s, a line says which did not and what it answered; the ready
 * line still follows should they come up later. A child that exits stops everything. Ctrl-C or
 * SIGTERM stops the two apps at once and this process within 2 s.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { redisTargetFromEnv } from '@strangler-gateway/flask-session'
import { startGateway } from '../runtime/server.js'
import { waitUntilAnswering, type Endpoint } from './embedded-ready.js'

const LEGACY_PORT = 5001
const NEW_PORT = 5002
const READY_TIMEOUT_MS = 30_000

const sessionDir = process.env.SESSION_FILE_DIR ?? path.join(tmpdir(), 'strangler-gateway-embedded-sessions')
mkdirSync(sessionDir, { recursive: true })
// The gateway reads the same store for stateful shadows' snapshots (routes.yaml session.store).
process.env.SESSION_FILE_DIR = sessionDir
const gatewayPort = Number(process.env.PORT ?? 8080)

let stopping = false
const children: ChildProcess[] = []
const stopWaiting = new AbortController()

/** One of the two apps, started from its workspace package's entry point (built, or under tsx as this process is). */
function child (name: string, specifier: string, port: number, env: NodeJS.ProcessEnv): ChildProcess {
  const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.resolve(specifier))], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SESSION_FILE_DIR: sessionDir, SESSION_TYPE: 'filesystem', ...env },
    stdio: ['ignore', 'inherit', 'inherit']
  })
  proc.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping\n`)
      stop(1)
    }
  })
  return proc
}

function stop (code: number): void {
  if (stopping) return
  stopping = true
  stopWaiting.abort()
  for (const proc of children) proc.kill('SIGTERM')
  setTimeout(() => process.exit(code), 2_000).unref()
}

process.once('SIGINT', () => stop(0))
process.once('SIGTERM', () => stop(0))

const routesFile = process.env.ROUTES_FILE ?? 'routes.yaml'
startGateway({ configFile: routesFile, port: gatewayPort }).then(async (app) => {
  // The origin the gateway really listens on (PORT=0 included).
  const gateway = app.listeningOrigin
  const legacy = `http://127.0.0.1:${LEGACY_PORT}`
  const candidate = `http://127.0.0.1:${NEW_PORT}`
  // Without Redis the gateway keeps stateful shadows' snapshots in memory and the new services
  // fetch them over loopback; with REDIS_URL or REDIS_CLUSTER_NODES both sides use Redis.
  const snapshotEnv = redisTargetFromEnv(process.env) === undefined ? { SHADOW_SNAPSHOT_URL: `${gateway}/_gateway/shadow-snapshots` } : {}
  if (stopping) return
  children.push(
    child('legacy stand-in', '@strangler-gateway/legacy-stand-in/server', LEGACY_PORT, snapshotEnv),
    child('new services', '@strangler-gateway/new-services/server', NEW_PORT, snapshotEnv)
  )
  const endpoints: Endpoint[] = [
    { name: 'gateway', url: `${gateway}/ready` },
    { name: 'legacy stand-in', url: `${legacy}/health` },
    { name: 'new services', url: `${candidate}/health` }
  ]
  const urls = { gateway, legacy, new: candidate, sessionDir }
  let waited = await waitUntilAnswering(endpoints, { timeoutMs: READY_TIMEOUT_MS, signal: stopWaiting.signal })
  if (stopping) return
  if (!waited.ok) {
    const missing = waited.answers.filter((a) => !a.ok)
    app.log.error({ ...urls, notAnswering: missing.map(({ name, url, detail }) => ({ name, url, detail })) },
      `embedded default NOT ready after ${READY_TIMEOUT_MS / 1000} s: ${missing.map((a) => `${a.name} (${a.url}: ${a.detail})`).join(', ')}`)
    waited = await waitUntilAnswering(endpoints, { timeoutMs: Number.POSITIVE_INFINITY, intervalMs: 1_000, signal: stopWaiting.signal })
    if (stopping || !waited.ok) return
  }
  app.log.info(urls, `embedded default ready: open ${gateway}/admin/`)
}, (err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`)
  stop(1)
})
