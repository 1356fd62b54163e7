/** What the benches ask of the machine: a free port, whether nginx is installed, a Redis that answers. */
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export function hasNginx (): boolean {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A connected client, or null when nothing answers at `url`. */
export async function reachableRedis (url: string): Promise<Redis | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    await redis.connect()
    return redis
  } catch {
    redis.disconnect()
    return null
  }
}

export async function deleteKeys (redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]))
  }
}
