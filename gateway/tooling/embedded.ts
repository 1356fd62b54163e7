/**
 * `npm start`: the embedded default. The legacy stand-in (5001) and the new services (5002) run
 * as child processes sharing one Flask-Session filesystem store, the gateway (8080) in this
 * process with diffs in memory. Ctrl-C or SIGTERM stops all three.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startGateway } from '../runtime/server.js'

const sessionDir = process.env.SESSION_FILE_DIR ?? path.join(tmpdir(), 'strangler-gateway-embedded-sessions')
mkdirSync(sessionDir, { recursive: true })
// The gateway reads the same store for stateful shadows' snapshots (routes.yaml session.store).
process.env.SESSION_FILE_DIR = sessionDir
const gatewayPort = Number(process.env.PORT ?? 8080)
// Without Redis the gateway keeps stateful shadows' snapshots in memory and the new services
// fetch them over loopback; with REDIS_URL both sides use Redis.
const snapshotEnv = process.env.REDIS_URL === undefined ? { SHADOW_SNAPSHOT_URL: `http://127.0.0.1:${gatewayPort}/_gateway/shadow-snapshots` } : {}

/** One of the two apps, started from its workspace package's entry point (built, or under tsx as this process is). */
function child (name: string, specifier: string, port: number): ChildProcess {
  const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.resolve(specifier))], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SESSION_FILE_DIR: sessionDir, SESSION_TYPE: 'filesystem', ...snapshotEnv },
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

let stopping = false
const children = [
  child('legacy stand-in', '@strangler-gateway/legacy-stand-in/server', 5001),
  child('new services', '@strangler-gateway/new-services/server', 5002)
]

function stop (code: number): void {
  if (stopping) return
  stopping = true
  for (const proc of children) proc.kill('SIGTERM')
  setTimeout(() => process.exit(code), 2_000).unref()
}

process.once('SIGINT', () => stop(0))
process.once('SIGTERM', () => stop(0))

const routesFile = process.env.ROUTES_FILE ?? 'routes.yaml'
startGateway({ configFile: routesFile, port: gatewayPort }).then((app) => {
  app.log.info({ gateway: `http://127.0.0.1:${gatewayPort}`, legacy: 'http://127.0.0.1:5001', new: 'http://127.0.0.1:5002', sessionDir },
    'embedded default running: open http://127.0.0.1:8080/admin/')
}, (err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`)
  stop(1)
})
