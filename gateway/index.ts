/**
 * strangler-gateway as a library: build the data plane, add the control plane, or start the
 * whole gateway as `strangler-gateway start` does. Everything else in this package is internal.
 */
export { buildGateway, type GatewayOptions, type GatewayHandle } from './data-plane/build-gateway.js'
export { registerControlPlane, type ControlPlaneOptions } from './control-plane/register-control-plane.js'
export { startGateway, DEFAULT_HOST, DEFAULT_PORT, type StartOptions } from './runtime/server.js'
export { startTracing, tracesEndpoint } from './runtime/tracing.js'
export type { GatewayTracing } from './data-plane/tracing/trace-scope.js'
export { loadRoutesFile, parseRoutesConfig, RoutesConfigError, type ConfigProblem } from './core/config/load-config.js'
export type { GatewayConfig, FeatureConfig, RouteConfig, UpstreamConfig } from './core/config/gateway-config.js'
