/**
 * buildGateway: a ready Fastify instance for the gateway, without listening (server.ts listens,
 * tests call this directly). Plugins register in the order below, each depending on the last.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { createConfigHolder, type ConfigHolder, type ReloadResult } from './config-holder.js'
import { loadRoutesFile } from '../core/config/load-config.js'
import type { GatewayConfig } from '../core/config/gateway-config.js'
import { watchFile } from '../core/config/watch-file.js'
import { createMemoryOverrideStore, type OverrideStore } from './overrides/override-store.js'
import { createDiffStore } from '../analysis/diff-store/create-diff-store.js'
import type { DiffStore } from '../analysis/diff-store/diff-store-types.js'
import healthPlugin from './health.js'
import metricsPlugin from './metrics/metrics-plugin.js'
import proxyPlugin from './proxy/proxy-plugin.js'
import { createRequestIdGenerator } from './request-id.js'
import { createShadowRunner, type ShadowRunner } from './shadow/shadow-runner.js'
import type { SnapshotStore } from '@strangler-gateway/flask-session'
import { unsubscribeAll } from './events.js'
import type { Http2SecureServer } from 'node:http2'
import { originForm } from './proxy/absolute-form.js'
import { createTlsReloader, readTls, tlsServerOptions } from './tls.js'
import { createPinIssuer, type PinIssuer } from './routing/tester-pin.js'
import { answerExpectContinue } from './proxy/expect-continue.js'
import { createStatefulShadows } from './shadow/stateful-shadow.js'
import { snapshotRoutes } from './shadow/snapshot-routes.js'
import type { RedisTarget, SessionStore } from '@strangler-gateway/flask-session'
import type { GatewayTracing } from './tracing/trace-scope.js'

export interface GatewayOptions {
  /** routes.yaml to load (and reload); or pass `config` directly. */
  configFile?: string
  config?: GatewayConfig
  /** Watch configFile and reload on change. Default false (server.ts turns it on). */
  watchConfig?: boolean
  env?: NodeJS.ProcessEnv
  /** A pino logger (server.ts makes one with redaction); default: silent. */
  logger?: FastifyBaseLogger
  overrides?: OverrideStore
  /** Where shadow comparisons are recorded; buildGateway closes it. Default: Redis at `redis`, else memory. */
  diffStore?: DiffStore
  /** Shared Redis for the diff store and stateful shadows' snapshots (REDIS_CLUSTER_NODES or REDIS_URL in server.ts); unset: in memory. */
  redis?: RedisTarget
  /** Stateful shadows' snapshot store, instead of Redis at `redis` or memory (the caller closes it). */
  snapshotStore?: SnapshotStore
  /** The legacy app's session store, instead of opening routes.yaml `session.store` (the caller closes it). */
  legacySessionStore?: SessionStore
  /** Traces requests (runtime/tracing.ts starts it from OTEL_*); absent: tracing off, nothing loaded for it. */
  tracing?: GatewayTracing
}

export interface GatewayHandle {
  holder: ConfigHolder
  overrides: OverrideStore
  diffStore: DiffStore
  shadow: ShadowRunner
  /** Re-reads routes.yaml; the admin API, SIGHUP and the file watcher all call this. */
  reload: () => Promise<ReloadResult>
  /** Issues tester pins with GATEWAY_PIN_SECRET (routing/tester-pin.ts); the secret stays inside. */
  pins: PinIssuer
}

declare module 'fastify' {
  interface FastifyInstance {
    gateway: GatewayHandle
  }
}

export async function buildGateway (options: GatewayOptions): Promise<FastifyInstance> {
  const config = options.config ?? await loadRoutesFile(requireFile(options.configFile))
  const tls = config.listen.tls === null ? null : await readTls(config.listen.tls)
  // With TLS the server is Node's HTTP/2 one (HTTP/1.1 too, by ALPN); the handlers see the same
  // request and reply objects through its compatibility API, so the instance is typed as usual.
  const app = (Fastify as unknown as (opts: object) => FastifyInstance)({
    ...(tls === null ? {} : tlsServerOptions(tls)),
    loggerInstance: options.logger,
    // No per-request info lines on the hot path; failures are logged by the error hook below.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: createRequestIdGenerator(),
    // An absolute-form target (`GET http://host/path`) is routed as its origin form.
    rewriteUrl: originForm,
    // A field a route's schema does not name is a 400, not silently dropped (Fastify's default).
    ajv: { customOptions: { removeAdditional: false } },
    return503OnClosing: true
  })
  const overrides = options.overrides ?? createMemoryOverrideStore()
  const env = options.env ?? process.env
  const holder = createConfigHolder({
    config,
    file: options.configFile,
    overrides,
    env,
    log: app.log
  })
  const diffStore = options.diffStore ?? createDiffStore({ config: config.diffStore, redis: options.redis ?? null, log: app.log })
  const stateful = createStatefulShadows({
    config,
    env,
    log: app.log,
    redis: options.redis ?? null,
    snapshots: options.snapshotStore,
    legacySessions: options.legacySessionStore
  })
  const shadow = createShadowRunner({ gateway: app, store: diffStore, log: app.log, budget: config.shadow, stateful })
  const tlsReloader = tls === null || config.listen.tls === null
    ? null
    : createTlsReloader(app.server as unknown as Http2SecureServer, config.listen.tls, app.log)
  if (tlsReloader !== null) app.addHook('onClose', async () => { tlsReloader.close() })
  const reload = async (): Promise<ReloadResult> => {
    const result = await holder.reload()
    const files = holder.current().config.listen.tls
    if (result.ok && tlsReloader !== null && files !== null) await tlsReloader.reload(files)
    app.metrics.configReloads.inc({ result: result.ok ? 'ok' : 'rejected' })
    return result
  }
  app.decorate('gateway', { holder, overrides, diffStore, shadow, reload, pins: createPinIssuer(env.GATEWAY_PIN_SECRET) })
  app.addHook('onError', async (request, reply, err) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500
    const fields = { err, url: request.url.split('?')[0], method: request.method, status }
    if (status >= 500) request.log.error(fields, 'request failed')
    else request.log.info(fields, 'request rejected')
  })

  if (options.watchConfig === true && options.configFile !== undefined) {
    const stop = watchFile(options.configFile, () => { reload().catch(() => {}) })
    app.addHook('onClose', async () => stop())
  }
  app.addHook('onClose', async () => {
    unsubscribeAll(app)
    shadow.close()
    await shadow.idle()
    await stateful.close()
    await holder.close()
    await overrides.close()
    await diffStore.close()
  })

  // Tracing first, so every later hook and log line of a request is in its span; then
  // gateway-owned routes, the catch-all proxy that takes everything else, then metrics, which
  // subscribes to the data plane's events (events.ts).
  if (options.tracing !== undefined) {
    const { default: tracingPlugin } = await import('./tracing/tracing-plugin.js')
    await app.register(tracingPlugin, { tracing: options.tracing })
  }
  await app.register(healthPlugin, { holder })
  await app.register(snapshotRoutes, { holder, stateful })
  if (shadow.pressure.watchesLatency) {
    // shadow.protect.p95Ratio: every proxied request's time is what the latency guard watches.
    app.addHook('onResponse', (request, reply, done) => {
      if (request.proxy !== null) shadow.pressure.observe(reply.elapsedTime)
      done()
    })
  }
  await app.register(proxyPlugin, { holder, shadow, pinSecret: env.GATEWAY_PIN_SECRET })
  answerExpectContinue(app, () => holder.current().config.limits.bodyBytes)
  await app.register(metricsPlugin, {
    shadowState: () => ({
      bufferedBytes: shadow.bytes.used,
      eventLoopDelayP99Ms: shadow.pressure.p99Ms,
      shedding: shadow.pressure.high,
      admitted: shadow.pressure.admitted,
      p95Ms: shadow.pressure.p95Ms,
      baselineP95Ms: shadow.pressure.baselineP95Ms
    })
  })
  return app
}

function requireFile (file: string | undefined): string {
  if (file === undefined) throw new TypeError('buildGateway needs configFile or config')
  return file
}
