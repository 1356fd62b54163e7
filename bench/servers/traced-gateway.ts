/**
 * The benchmark gateway as bench/servers/gateway.ts builds it (a legacy-only route whose flag and
 * canary are evaluated, no shadow), with tracing started from the OTEL_* environment the way
 * `strangler-gateway start` starts it: unset, startTracing returns null and nothing is loaded.
 */
import pino from 'pino'
import { buildGateway } from '../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../gateway/core/config/load-config.js'
import { startTracing } from '../../gateway/runtime/tracing.js'

const upstream = process.env.UPSTREAM as string
const config = parseRoutesConfig(`
upstreams:
  legacy: { url: "${upstream}" }
  new: { url: "${upstream}" }
features:
  chat: { enabled: true, canary: 0 }
routes:
  - { path: /api/scenarios, methods: [GET], feature: chat }
`)
const tracing = await startTracing(process.env, pino({ level: 'warn' }))
const app = await buildGateway({ config, env: {}, tracing: tracing ?? undefined })
await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port, tracing: tracing !== null })}\n`)
process.once('SIGTERM', () => {
  app.close().then(async () => await tracing?.shutdown()).finally(() => process.exit(0))
})
