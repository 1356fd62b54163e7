/**
 * Runs one gateway process: logger, tracing (when OTEL_* asks for it), listen, SIGHUP reloads routes.yaml, SIGTERM/SIGINT shut it
 * down in bounded, ordered steps (below). Everything else lives in buildGateway.
 *
 * Shutdown, with routes.yaml `shutdown` as it is when the signal arrives:
 * 1. at once: /ready answers 503, every queued and running shadow is dropped (reason
 *    `shutdown`) and so is any planned from now on; responses from now on close their connection;
 * 2. for `delayMs` the listener stays open and serves, so load balancers see the 503 and stop
 *    sending before it closes;
 * 3. the listener closes (Fastify's close: idle connections go, a request arriving on a kept-alive
 *    one gets 503) and requests in flight have `graceMs` to finish; when none is left the process
 *    exits;
 * 4. at the end of the grace, SSE streams still open are ended cleanly (the client sees the
 *    stream end), then every connection still open is cut;
 * 5. with tracing on, the spans still buffered are exported in what is left of the deadline;
 * 6. the process exits 0 once Fastify's close hooks are done, and in any case (exit code 1)
 *    within delayMs + graceMs + 1 s of the signal.
 * A second signal of the same kind, during all that, ends the process at once (Node's default).
 */
import type { FastifyInstance } from 'fastify'
import type { Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { openSharedState } from '../control-plane/shared-state.js'
import { buildGateway } from '../data-plane/build-gateway.js'
import { registerControlPlane } from '../control-plane/register-control-plane.js'
import { createLogger } from '../core/logger.js'
import { redisTargetFromEnv } from '@strangler-gateway/flask-session'
import { trackDrain, type DrainTracker } from './drain.js'
import { startTracing } from './tracing.js'
import type { GatewayTracing } from '../data-plane/tracing/trace-scope.js'

export const DEFAULT_PORT = 8080
export const DEFAULT_HOST = '127.0.0.1'
/** After the grace: how long ended SSE streams get to be written out before connections are cut. */
const STREAM_FLUSH_MS = 250
/** After the grace: when the process exits whatever is still closing (within the promised 1 s). */
const EXIT_DEADLINE_MS = 750
/** Kept back from the exit deadline when the last spans are exported, so the exit stays clean. */
const SPAN_FLUSH_MARGIN_MS = 50

export interface StartOptions {
  configFile: string
  port?: number
  host?: string
}

export async function startGateway (options: StartOptions): Promise<FastifyInstance> {
  const logger = createLogger()
  const env = process.env
  // OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT unset: null, and nothing of OpenTelemetry is loaded.
  const tracing = await startTracing(env, logger)
  // Overrides are read before serving: a replica must not start on routes.yaml alone while a
  // rollback is persisted in Redis.
  // REDIS_CLUSTER_NODES (a Redis Cluster), else REDIS_URL (one server), else memory.
  const redis = redisTargetFromEnv(env)
  let app: FastifyInstance
  let shared: Awaited<ReturnType<typeof openSharedState>> | undefined
  try {
    shared = await openSharedState({ env, log: logger, redis })
    app = await buildGateway({ configFile: options.configFile, watchConfig: true, logger, overrides: shared.overrides, redis, tracing: tracing ?? undefined })
    await registerControlPlane(app, { adminToken: env.GATEWAY_ADMIN_TOKEN, audit: shared.audit, redis, keyPrefix: env.GATEWAY_REDIS_PREFIX })
  } catch (err) {
    await shared?.overrides.close()
    await shared?.audit.close()
    await tracing?.shutdown()
    throw err
  }
  const port = options.port ?? Number(process.env.PORT ?? DEFAULT_PORT)
  const host = options.host ?? process.env.HOST ?? DEFAULT_HOST
  const tracker = trackDrain(app.server as Server)
  const onHangup = (): void => { app.gateway.reload().catch(() => {}) }
  let closing = false
  const onTerminate = (signal: NodeJS.Signals): void => {
    if (closing) return
    closing = true
    shutDown(app, tracker, signal, tracing).then(() => process.exit(0), (err: unknown) => {
      app.log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGHUP', onHangup)
  process.once('SIGTERM', onTerminate)
  process.once('SIGINT', onTerminate)
  app.addHook('onClose', async () => { process.off('SIGHUP', onHangup) })
  await app.listen({ port, host })
  // Readiness checks legacy in the background from now on (data-plane/health.ts).
  app.readiness.watch()
  return app
}

async function shutDown (app: FastifyInstance, tracker: DrainTracker, signal: NodeJS.Signals, tracing: GatewayTracing | null): Promise<void> {
  const startedAt = Date.now()
  const { delayMs, graceMs } = app.gateway.holder.current().config.shutdown
  const deadline = setTimeout(() => {
    app.log.error({ signal, open: tracker.open, afterMs: Date.now() - startedAt },
      'shutdown deadline passed; exiting with work still closing')
    process.exit(1)
  }, delayMs + graceMs + EXIT_DEADLINE_MS)
  deadline.unref()

  app.readiness.drain()
  tracker.startDraining()
  const shadowsDropped = app.gateway.shadow.abandonAll()
  app.log.info({ signal, delayMs, graceMs, shadowsDropped, open: tracker.open },
    'shutting down: /ready answers 503, shadows dropped; the listener stays open for delayMs')
  await sleep(delayMs)

  app.log.info({ open: tracker.open }, 'listener closing; requests in flight have graceMs to finish')
  const closed = app.close()
  tracker.closeIdle()
  const finishedInTime = await Promise.race([
    closed.then(() => true, () => true),
    sleep(graceMs).then(() => false)
  ])
  if (!finishedInTime) {
    const streamsEnded = await tracker.endEventStreams(STREAM_FLUSH_MS)
    const cut = tracker.cutAll()
    app.log.warn({ streamsEnded, cut }, 'grace period over: open SSE streams ended cleanly, other requests cut')
  }
  await closed
  if (tracing !== null) {
    // The last requests' spans go out, in what is left of the exit deadline.
    const leftMs = delayMs + graceMs + EXIT_DEADLINE_MS - SPAN_FLUSH_MARGIN_MS - (Date.now() - startedAt)
    const flushed = await Promise.race([tracing.shutdown().then(() => true, () => false), sleep(Math.max(0, leftMs)).then(() => false)])
    if (!flushed) app.log.warn({ afterMs: Date.now() - startedAt }, 'shutdown: spans not all exported in time')
  }
  clearTimeout(deadline)
  app.log.info({ afterMs: Date.now() - startedAt }, 'shutdown complete')
}
