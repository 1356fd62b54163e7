/**
 * Runs the legacy stand-in: `node --conditions=strangler-gateway-source --import tsx legacy-adapter/stand-in/server.ts`
 * (PORT/HOST, default 127.0.0.1:5001; session and model settings as in options-from-env.ts).
 * SIGTERM/SIGINT close the server, which lets in-flight requests finish and closes the store.
 */
import pino from 'pino'
import { buildLegacyStandIn } from './app.js'
import { listenAddressFromEnv, standInOptionsFromEnv } from './options-from-env.js'

const logger = pino({
  name: 'legacy-stand-in',
  level: process.env.LOG_LEVEL ?? 'info',
  redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]']
})

const app = await buildLegacyStandIn({ ...standInOptionsFromEnv(), loggerInstance: logger })
const { port, host } = listenAddressFromEnv()

let closing = false
async function shutdown (signal: string): Promise<void> {
  if (closing) return
  closing = true
  logger.info({ signal }, 'closing legacy stand-in')
  try {
    await app.close()
    process.exit(0)
  } catch (err) {
    logger.error({ err }, 'close failed')
    process.exit(1)
  }
}
process.once('SIGTERM', () => { shutdown('SIGTERM').catch(() => process.exit(1)) })
process.once('SIGINT', () => { shutdown('SIGINT').catch(() => process.exit(1)) })

await app.listen({ port, host })
