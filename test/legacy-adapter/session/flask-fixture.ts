/**
 * Runs test/fixtures/flask/session_app.py (real Flask + Flask-Session) as a child process on
 * 127.0.0.1 and a free port, for the interop tests. Not a test file itself.
 */
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PyFloat } from '../../../legacy-adapter/session/py-float.js'

const FIXTURE = fileURLToPath(new URL('../../fixtures/flask/session_app.py', import.meta.url))

function imports (modules: string[], env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync('python3', ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore', env })
    return true
  } catch {
    return false
  }
}

/**
 * The Debian Flask packages live in the system Python. When `python3` on PATH is a pyenv shim
 * pointing elsewhere, ask pyenv for the system interpreter, so requirePython() and the fixture
 * both use it. Changes nothing when `python3` already imports the modules.
 */
export function preferPythonWith (...modules: string[]): void {
  if (imports(modules, process.env)) return
  const system = { ...process.env, PYENV_VERSION: 'system' }
  if (imports(modules, system)) process.env.PYENV_VERSION = 'system'
}

export interface FlaskFixture {
  url: string
  stop (): Promise<void>
}

export async function startFlaskFixture (env: Record<string, string>): Promise<FlaskFixture> {
  const child = spawn('python3', [FIXTURE], {
    env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /LISTENING (\d+)/.exec(stdout)
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`Flask fixture exited with ${code} before listening:\n${stderr}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

export interface FlaskAnswer {
  sid: string
  session: Record<string, unknown>
  new: boolean
  /** The `session` cookie value Flask set, if it set one. */
  cookie: string | undefined
}

export async function callFlask (fixture: FlaskFixture, method: 'GET' | 'POST', path: string, cookie?: string): Promise<FlaskAnswer> {
  const res = await fetch(fixture.url + path, { method, headers: cookie === undefined ? {} : { cookie: `session=${cookie}` } })
  if (res.status !== 200) throw new Error(`Flask answered ${res.status} to ${method} ${path}: ${await res.text()}`)
  const body = await res.json() as Omit<FlaskAnswer, 'cookie'>
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('session='))
  return { ...body, cookie: setCookie?.slice('session='.length).split(';')[0] }
}

/** The TypeScript mirror of the fixture's typed(): how a value looks once Python types are spelled out. */
export function typed (value: unknown): unknown {
  if (typeof value === 'bigint') return value >= -(2n ** 53n) && value < 2n ** 53n ? Number(value) : { __int__: String(value) }
  if (value instanceof PyFloat) return Number.isInteger(value.value) ? { __float__: value.value } : value.value
  if (value instanceof Uint8Array) return { __bytes__: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return value.map(typed)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v)]))
  }
  return value
}
