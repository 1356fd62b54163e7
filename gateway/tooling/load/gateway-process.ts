/**
 * One gateway in a process of its own, so the load test reads the gateway's memory and nothing
 * else's: ROUTES_FILE is its config; it prints {"port": N} on stdout once listening and drains on
 * SIGTERM. Diffs go to the in-memory store.
 */
import { buildGateway } from '../../data-plane/build-gateway.js'

const configFile = process.env.ROUTES_FILE
if (configFile === undefined) {
  process.stderr.write('ROUTES_FILE must name the routes.yaml to serve\n')
  process.exit(2)
}
const app = await buildGateway({ configFile, env: {} })
await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`)
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0), () => process.exit(1))
})
