/**
 * The route table: routes.yaml's routes compiled for lookup. First match in file order wins,
 * as operators read the file. Exact paths are one Map lookup; only routes with parameters or a
 * trailing wildcard are tested one by one, and only those listed before the exact hit.
 */
import type { FeatureConfig, GatewayConfig, RouteConfig } from '../../core/config/gateway-config.js'

export interface CompiledRoute {
  readonly index: number
  /** The path pattern as written: the label metrics and diff records use. */
  readonly template: string
  readonly feature: string
  readonly featureConfig: FeatureConfig
  readonly route: RouteConfig
  /** null: every method. */
  readonly methods: ReadonlySet<string> | null
}

export interface RouteTable {
  readonly routes: readonly CompiledRoute[]
  match (method: string, path: string): CompiledRoute | undefined
}

interface PatternRoute { route: CompiledRoute, regex: RegExp }

function patternToRegex (pattern: string): RegExp {
  let source = ''
  for (const segment of pattern.split('/').slice(1)) {
    if (segment === '*') source += '(?:/.*)?'
    else if (segment.startsWith(':')) source += '/[^/]+'
    else source += '/' + segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source === '' ? '/' : source}/?$`)
}

const isPattern = (path: string): boolean => path.includes('/:') || path.endsWith('*')

export function compileRouteTable (config: GatewayConfig): RouteTable {
  const routes: CompiledRoute[] = config.routes.map((route, index) => Object.freeze({
    index,
    template: route.path,
    feature: route.feature,
    featureConfig: config.features[route.feature],
    route,
    methods: route.methods.length === 0 ? null : new Set(route.methods)
  }))
  const exact = new Map<string, CompiledRoute[]>()
  const patterns: PatternRoute[] = []
  for (const route of routes) {
    if (isPattern(route.template)) {
      patterns.push({ route, regex: patternToRegex(route.template) })
    } else {
      const key = route.template.length > 1 && route.template.endsWith('/') ? route.template.slice(0, -1) : route.template
      const list = exact.get(key) ?? []
      list.push(route)
      exact.set(key, list)
    }
  }

  const allows = (route: CompiledRoute, method: string): boolean =>
    route.methods === null || route.methods.has(method) || (method === 'HEAD' && route.methods.has('GET'))

  return {
    routes,
    match (method, rawPath) {
      const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath
      let best: CompiledRoute | undefined
      const candidates = exact.get(path)
      if (candidates !== undefined) {
        for (const route of candidates) {
          if (allows(route, method)) { best = route; break }
        }
      }
      for (const { route, regex } of patterns) {
        if (best !== undefined && route.index > best.index) break
        if (allows(route, method) && regex.test(path)) return route
      }
      return best
    }
  }
}
