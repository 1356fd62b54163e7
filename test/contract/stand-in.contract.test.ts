/**
 * The legacy stand-in against the shared contract suite, over real HTTP on 127.0.0.1:0, with
 * its default session store: Flask-Session's cachelib files, here in a temporary directory.
 * Sessions are read back through a second store on the same directory, as another process
 * (the gateway, the new services, Flask itself) would.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { buildLegacyStandIn } from '../../legacy-adapter/stand-in/app.js'
import { createFileSystemSessionStore } from '../../legacy-adapter/session/filesystem-store.js'
import { runContractSuite } from './contract-suite.js'

await runContractSuite(t, {
  name: 'legacy stand-in',
  async start ({ scenariosDir } = {}) {
    const sessionDir = await mkdtemp(path.join(tmpdir(), 'stand-in-contract-'))
    const app = await buildLegacyStandIn({ sessionDir, scenariosDir })
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
    const reader = createFileSystemSessionStore({ dir: sessionDir })
    return {
      baseUrl,
      readSession: async (sid) => await reader.load(sid),
      async close () {
        await app.close()
        await reader.close()
        await rm(sessionDir, { recursive: true, force: true })
      }
    }
  }
})
