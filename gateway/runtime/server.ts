/**
 * Runs one gateway process: logger, listen, SIGHUP reloads routes.yaml, SIGTERM/SIGINT drain
 * in-flight requests and exit. Everything else lives in buildGateway.
 */
import type { FastifyInstance } from 'fastify'
import { openSharedState } from '../control-plane/shared-state.js'
import { buildGateway } from '../data-plane/build-gateway.js'
import { registerControlPlane } from '../control-plane/register-control-plane.js'
import { createLogger } from '../core/logger.js'

export const DEFAULT_PORT = 8080
export const DEFAULT_HOST = '127.0.0.1'

export interface StartOptions {
  configFile: string
  port?: number
  host?: string
}

export async function startGateway (options: StartOptions): Promise<FastifyInstance> {
  const logger = createLogger()
  const env = process.env
  // Overrides are read before serving: a replica must not start on routes.yaml alone while a
  // rollback is persisted in Redis.
  const { overrides, audit } = await openSharedState({ env, log: logger })
  let app: FastifyInstance
  try {
    app = await buildGateway({ configFile: options.configFile, watchConfig: true, logger, overrides, redisUrl: env.REDIS_URL })
    await registerControlPlane(app, { adminToken: env.GATEWAY_ADMIN_TOKEN, audit, redisUrl: env.REDIS_URL, keyPrefix: env.GATEWAY_REDIS_PREFIX })
  } catch (err) {
    await overrides.close()
    await audit.close()
    throw err
  }
  const port = options.port ?? Number(process.env.PORT ?? DEFAULT_PORT)
  const host = options.host ?? process.env.HOST ?? DEFAULT_HOST
  const onHangup = (): void => { app.gateway.reload().catch(() => {}) }
  let closing = false
  const onTerminate = (signal: NodeJS.Signals): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'draining in-flight requests, then exiting')
    app.close().then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGHUP', onHangup)
  process.once('SIGTERM', onTerminate)
  process.once('SIGINT', onTerminate)
  app.addHook('onClose', async () => { process.off('SIGHUP', onHangup) })
  await app.listen({ port, host })
  return app
}
