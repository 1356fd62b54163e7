/**
 * The gateway over the benchmark upstream: a legacy-only route whose flag, canary and shadow are
 * evaluated, metrics on. SHADOW_SAMPLE mirrors that share to NEW_UPSTREAM; PROTECT_LOOP_MS sets
 * shadow.protect.eventLoopDelayMs and PROTECT_P95_RATIO shadow.protect.p95Ratio; REDIS_URL records diffs in Redis under DIFF_PREFIX instead of
 * in memory.
 */
import { redisTargetFromEnv } from '@strangler-gateway/flask-session'
import { buildGateway } from '../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../gateway/core/config/load-config.js'

const upstream = process.env.UPSTREAM as string
const shadow = Number(process.env.SHADOW_SAMPLE ?? 0)
const protectMs = Number(process.env.PROTECT_LOOP_MS ?? 0)
const protectRatio = Number(process.env.PROTECT_P95_RATIO ?? 0)
const config = parseRoutesConfig(`
upstreams:
  legacy: { url: "${upstream}" }
  new: { url: "${process.env.NEW_UPSTREAM ?? upstream}" }
features:
  chat: { enabled: true, canary: 0, shadow: { sample: ${shadow} } }
shadow: { maxConcurrent: 64, maxQueue: 256, protect: { eventLoopDelayMs: ${protectMs}, p95Ratio: ${protectRatio} } }
diffStore: { keyPrefix: "${process.env.DIFF_PREFIX ?? 'strangler-bench:'}" }
routes:
  - { path: /api/chat, methods: [POST], feature: chat }
  - { path: /api/scenarios, methods: [GET], feature: chat }
`)
const app = await buildGateway({ config, env: {}, redis: redisTargetFromEnv(process.env) })
await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`)
// The profiler (--cpu-prof) writes its file on a normal exit only.
process.once('SIGTERM', () => {
  setTimeout(() => process.exit(0), 2_000).unref()
  app.close().then(() => process.exit(0), () => process.exit(1))
})
