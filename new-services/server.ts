/**
 * Runs the new services: `node --conditions=strangler-gateway-source --import tsx new-services/server.ts` (PORT/HOST, default
 * 127.0.0.1:5002). Sessions as the legacy app keeps them (SESSION_TYPE, SESSION_FILE_DIR,
 * REDIS_URL, FLASK_SECRET_KEY); models from GOOGLE_API_KEY / LLM_PROVIDER / OLLAMA_*;
 * scenarios from SCENARIOS_DIR; stateful shadows' snapshots from SHADOW_SNAPSHOT_URL or Redis
 * (SHADOW_SNAPSHOT_REDIS_URL, else REDIS_URL). SIGTERM/SIGINT drain in-flight requests, then exit.
 */
import { buildNewServices } from './app.js'
import { sessionSetupFromEnv } from './session/session-setup.js'

export const DEFAULT_NEW_SERVICES_PORT = 5002
export const DEFAULT_NEW_SERVICES_HOST = '127.0.0.1'

const port = Number(process.env.PORT ?? DEFAULT_NEW_SERVICES_PORT)
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`)
const host = process.env.HOST ?? DEFAULT_NEW_SERVICES_HOST

const app = await buildNewServices({
  session: sessionSetupFromEnv(),
  logger: {
    name: 'new-services',
    level: process.env.LOG_LEVEL ?? 'info',
    redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'req.headers["x-csrftoken"]']
  }
})

let closing = false
async function shutdown (signal: string): Promise<void> {
  if (closing) return
  closing = true
  app.log.info({ signal }, 'closing new services')
  try {
    await app.close()
    process.exit(0)
  } catch (err) {
    app.log.error({ err }, 'close failed')
    process.exit(1)
  }
}
process.once('SIGTERM', () => { shutdown('SIGTERM').catch(() => process.exit(1)) })
process.once('SIGINT', () => { shutdown('SIGINT').catch(() => process.exit(1)) })

await app.listen({ port, host })
