/** Builds a gateway over test upstreams with a routes.yaml written as an object. */
import type { FastifyInstance } from 'fastify'
import { stringify } from 'yaml'
import { buildGateway, type GatewayOptions } from '../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../gateway/core/config/load-config.js'

export interface TestRoutes {
  legacy: string
  new: string
  features?: Record<string, unknown>
  routes?: unknown[]
  [key: string]: unknown
}

export function routesYaml ({ legacy, new: candidate, features = {}, routes = [], ...rest }: TestRoutes): string {
  return stringify({ upstreams: { legacy: { url: legacy }, new: { url: candidate } }, features, routes, ...rest })
}

export async function startGateway (
  routes: TestRoutes,
  options: Partial<GatewayOptions> = {}
): Promise<{ app: FastifyInstance, url: string }> {
  const app = await buildGateway({ config: parseRoutesConfig(routesYaml(routes)), env: {}, ...options })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url }
}
