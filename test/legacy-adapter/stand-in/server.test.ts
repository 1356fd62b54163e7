/**
 * server.ts as operators run it: PORT=0 on 127.0.0.1, env-configured session directory, serves,
 * and exits 0 on SIGTERM after closing.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { request } from 'undici'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const serverPath = path.join(repoRoot, 'legacy-adapter/stand-in/server.ts')

t.test('listens where PORT/HOST say, serves, and drains on SIGTERM', async (t) => {
  const sessionDir = await mkdtemp(path.join(tmpdir(), 'stand-in-server-'))
  t.teardown(() => rm(sessionDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', serverPath], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SESSION_FILE_DIR: sessionDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })

  let output = ''
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match !== null) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)))
  })

  const response = await request(`${address}/health`)
  t.equal(response.statusCode, 200)
  t.match(await response.body.json(), { status: 'healthy' })
  t.equal((await readdir(sessionDir)).length, 1, 'the health probe created a session file in SESSION_FILE_DIR')

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0, 'clean exit after SIGTERM')
})
