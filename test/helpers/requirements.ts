/**
 * Tests that need a real Redis or a real Flask say so loudly and skip when it is missing on a
 * developer machine; under CI (CI=true) a missing dependency fails the test instead, so a
 * skipped suite can never pass as green.
 */
import { execFileSync } from 'node:child_process'
import net from 'node:net'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

interface TapLike {
  fail: (message: string) => unknown
  comment: (...message: unknown[]) => unknown
}

function unavailable (t: TapLike, what: string, why: string): false {
  const message = `${what} is not available (${why})`
  if (process.env.CI === 'true') {
    t.fail(`${message}; CI requires it`)
  } else {
    t.comment(`!!! SKIPPING: ${message}. Install it to run this suite; under CI=true this fails.`)
    process.stderr.write(`\n!!! SKIPPING ${message}\n`)
  }
  return false
}

function redisAddress (): { host: string, port: number } {
  const url = new URL(REDIS_URL)
  return { host: url.hostname, port: Number(url.port || 6379) }
}

/** Resolves true when Redis answers PING at REDIS_URL. */
export async function hasRedis (): Promise<boolean> {
  const { host, port } = redisAddress()
  return await new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

/** For `if (!await requireRedis(t)) return` at the top of a Redis suite. */
export async function requireRedis (t: TapLike): Promise<boolean> {
  if (await hasRedis()) return true
  return unavailable(t, 'Redis', `nothing answers at ${REDIS_URL}`)
}

/** True when redis-server and redis-cli (Debian's redis-server and redis-tools) can be run. */
export function hasRedisClusterTools (): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    execFileSync('redis-cli', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** For a suite that starts its own Redis Cluster (test/helpers/redis-cluster.ts). */
export function requireRedisCluster (t: TapLike): boolean {
  if (hasRedisClusterTools()) return true
  return unavailable(t, 'Redis Cluster (redis-server and redis-cli)', 'not on PATH')
}

/** True when python3 can import every module named. */
export function hasPythonModules (...modules: string[]): boolean {
  try {
    execFileSync('python3', ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function requirePython (t: TapLike, ...modules: string[]): boolean {
  if (hasPythonModules(...modules)) return true
  return unavailable(t, `python3 with ${modules.join(', ')}`, 'import failed')
}

/** A key prefix no other test run shares, so suites can run in parallel against one Redis. */
export function uniquePrefix (name: string): string {
  return `sgtest:${name}:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`
}
