/**
 * The new services against the shared contract suite, over real HTTP on 127.0.0.1:0, with the
 * legacy app's default session store (cachelib files in a temporary directory) read back through
 * a second store, as the legacy app would read them. Deliberate differences: docs/new-services.md.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createFileSystemSessionStore } from '../../legacy-adapter/session/filesystem-store.js'
import { buildNewServices } from '../../new-services/app.js'
import { runContractSuite } from '../contract/contract-suite.js'

await runContractSuite(t, {
  name: 'new services',
  async start ({ scenariosDir } = {}) {
    const sessionDir = await mkdtemp(path.join(tmpdir(), 'new-services-contract-'))
    const app = await buildNewServices({ session: { mode: 'filesystem', dir: sessionDir }, env: {}, llm: { mode: 'offline' }, scenariosDir })
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
  },
  // Each is asserted the new way in its own test (session-plugin, chat-routes, chat-stream-route).
  differences: new Set([
    'session: a cookie-less request creates a permanent session',
    'chat: a non-JSON body is 500 UNEXPECTED_ERROR',
    'v2 chat: legacy streams exactly one error event'
  ])
})
