/** server.ts as an operator runs it: listens where PORT/HOST say, answers, and drains on SIGTERM. */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { request } from 'undici'

const SERVER = fileURLToPath(new URL('../../new-services/server.ts', import.meta.url))

t.test('starts on 127.0.0.1, shares the filesystem session dir, exits 0 on SIGTERM', async (t) => {
  const sessionDir = await mkdtemp(path.join(tmpdir(), 'ns-server-'))
  t.teardown(async () => await rm(sessionDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, ['--conditions=strangler-gateway-source', '--import', 'tsx', SERVER], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: sessionDir, LLM_PROVIDER: 'offline', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(output)
      if (match != null) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)} before listening`)))
  })
  const res = await request(`${url}/api/csrf-token`)
  t.equal(res.statusCode, 200)
  await res.body.json()
  t.equal((await readdir(sessionDir)).length, 1, 'the session was written as a cachelib file')
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.kill('SIGTERM')
  })
  t.equal(exitCode, 0)
})
