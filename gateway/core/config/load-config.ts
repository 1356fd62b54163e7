/**
 * Reads routes.yaml: YAML parsed with positions, validated against the one schema (all problems
 * at once, each as `routes.yaml:LINE:COL path: problem`), defaults filled in, then frozen.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Ajv, type ErrorObject } from 'ajv'
import { isMap, isNode, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { ConfigInvalidError, ConfigReadError } from '../errors.js'
import { parseCidr } from '../cidr.js'
import { routesSchema } from './schema.js'
import type { GatewayConfig } from './gateway-config.js'

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true })
const validate = ajv.compile(routesSchema)

export interface ConfigProblem { line: number, col: number, path: string, message: string }

export class RoutesConfigError extends ConfigInvalidError {
  readonly problems: string[]
  constructor (file: string, problems: ConfigProblem[]) {
    const lines = problems.map((p) => `${file}:${p.line}:${p.col} ${p.path}: ${p.message}`)
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`)
    this.problems = lines
  }
}

export async function loadRoutesFile (file: string): Promise<GatewayConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new ConfigReadError(file, (err as Error).message, { cause: err })
  }
  return parseRoutesConfig(text, path.basename(file))
}

export function parseRoutesConfig (text: string, file = 'routes.yaml'): GatewayConfig {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: false })
  const at = (offset: number | undefined): { line: number, col: number } =>
    offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset)

  const syntax = [...doc.errors, ...doc.warnings]
  if (syntax.length > 0) {
    throw new RoutesConfigError(file, syntax.map((e) => ({
      ...at(e.pos[0]), path: '(yaml)', message: e.message.split('\n')[0]
    })))
  }

  const data: unknown = doc.toJS() ?? {}
  const problems: ConfigProblem[] = []
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      // propertyNames reports the inner pattern failure too; the propertyNames error says it better.
      if (!error.schemaPath.includes('/propertyNames/')) problems.push(schemaProblem(doc, error, at))
    }
  }
  // Cross-field checks run even on a schema failure, so one pass reports everything it can.
  problems.push(...semanticProblems(doc, data as Partial<GatewayConfig>, at))
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.col - b.col)
    throw new RoutesConfigError(file, problems)
  }
  return deepFreeze(data as unknown as GatewayConfig)
}

type Locate = (offset: number | undefined) => { line: number, col: number }

function segmentsOf (instancePath: string): Array<string | number> {
  if (instancePath === '') return []
  return instancePath.slice(1).split('/').map((s) => {
    const key = s.replace(/~1/g, '/').replace(/~0/g, '~')
    return /^\d+$/.test(key) ? Number(key) : key
  })
}

function dotted (segments: Array<string | number>): string {
  let out = ''
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : (out === '' ? s : `.${s}`)
  return out === '' ? '(root)' : out
}

function nodeAt (doc: Document, segments: Array<string | number>): Node | undefined {
  // Walk down as far as the document goes: a missing key is reported at its parent.
  for (let n = segments.length; n >= 0; n--) {
    const node = segments.length === 0 || n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true)
    if (isNode(node)) return node
  }
  return undefined
}

/** What the names under a `propertyNames` map must look like, by the map's key. */
const PROPERTY_NAME_RULES: Record<string, string> = {
  features: 'feature names are lower-case letters, digits and _ (they become USE_NEW_<FEATURE>)',
  sinks: 'sink names are lower-case letters, digits, _ and - (they become the sink label of the app_alerts_* metrics)',
  labels: 'label names are letters, digits and _, not starting with a digit (Alertmanager\'s rule)'
}

function schemaProblem (doc: Document, error: ErrorObject, at: Locate): ConfigProblem {
  const segments = segmentsOf(error.instancePath)
  let node = nodeAt(doc, segments)
  let message = error.message ?? 'is invalid'
  let where = segments
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty)
    where = [...segments, key]
    message = 'unknown key (not in the routes.yaml schema)'
    if (isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key)
      if (isNode(pair?.key)) node = pair.key
    }
  } else if (error.keyword === 'required') {
    where = [...segments, String(error.params.missingProperty)]
    message = 'is required'
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`
  } else if (error.keyword === 'propertyNames') {
    const key = String(error.params.propertyName)
    where = [...segments, key]
    message = PROPERTY_NAME_RULES[String(segments.at(-1))] ?? 'is not an allowed name'
    if (isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key)
      if (isNode(pair?.key)) node = pair.key
    }
  } else if (error.keyword === 'pattern' && segments.at(-1) === 'url') {
    message = 'must be an http:// or https:// URL'
  }
  return { ...at(node?.range?.[0]), path: dotted(where), message }
}

function semanticProblems (doc: Document, config: Partial<GatewayConfig>, at: Locate): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const problem = (segments: Array<string | number>, message: string): void => {
    problems.push({ ...at(nodeAt(doc, segments)?.range?.[0]), path: dotted(segments), message })
  }
  for (const name of ['legacy', 'new'] as const) {
    for (const key of ['url', 'metricsUrl'] as const) {
      const value: unknown = config.upstreams?.[name]?.[key]
      if (typeof value === 'string' && /^https?:\/\//.test(value) && !URL.canParse(value)) {
        problem(['upstreams', name, key], 'must be a URL')
      }
    }
  }
  if (Array.isArray(config.trustedProxies)) {
    config.trustedProxies.forEach((entry, i) => {
      if (typeof entry === 'string' && parseCidr(entry) === null) problem(['trustedProxies', i], 'must be an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8')
    })
  }
  alertProblems(config.alerts, problem)
  const features = config.features ?? {}
  if (!Array.isArray(config.routes)) return problems
  config.routes.forEach((route, i) => {
    if (typeof route?.feature !== 'string' || typeof route.path !== 'string') return
    if (!Object.hasOwn(features, route.feature)) {
      problem(['routes', i, 'feature'], `feature "${route.feature}" is not defined under features`)
    }
    if (route.path.includes('*') && !route.path.endsWith('/*')) {
      problem(['routes', i, 'path'], 'a wildcard is only allowed as the last segment, as in /api/watch/*')
    }
  })
  knownDifferenceProblems(features, config.routes, problem)
  return problems
}

/** A declared known difference names a route of its own feature, as the diff records will. */
function knownDifferenceProblems (features: Partial<GatewayConfig['features']>, routes: GatewayConfig['routes'], problem: (segments: Array<string | number>, message: string) => void): void {
  for (const [name, feature] of Object.entries(features)) {
    const known: unknown = feature?.compare?.known
    if (!Array.isArray(known)) continue
    known.forEach((entry: { route?: unknown }, i) => {
      if (typeof entry?.route !== 'string') return
      if (!routes.some((route) => route?.feature === name && route.path === entry.route)) {
        problem(['features', name, 'compare', 'known', i, 'route'], `"${entry.route}" is not a route of feature "${name}" (routes: names its paths)`)
      }
    })
  }
}

/** A sink names its URL once (in the file or by an environment variable); a secret or labels only where they are used. */
function alertProblems (alerts: unknown, problem: (segments: Array<string | number>, message: string) => void): void {
  if (alerts === null || typeof alerts !== 'object') return
  const { publicUrl, sinks } = alerts as { publicUrl?: unknown, sinks?: unknown }
  if (typeof publicUrl === 'string' && /^https?:\/\//.test(publicUrl) && !URL.canParse(publicUrl)) problem(['alerts', 'publicUrl'], 'must be a URL')
  if (sinks === null || typeof sinks !== 'object') return
  for (const [name, sink] of Object.entries(sinks as Record<string, unknown>)) {
    if (sink === null || typeof sink !== 'object') continue
    const { type, url, urlEnv, secretEnv, labels } = sink as Record<string, unknown>
    const where = ['alerts', 'sinks', name]
    if ((url === undefined) === (urlEnv === undefined)) problem(where, 'give url or urlEnv (the environment variable holding the URL), one of the two')
    if (typeof url === 'string' && /^https?:\/\//.test(url) && !URL.canParse(url)) problem([...where, 'url'], 'must be a URL')
    if (secretEnv !== undefined && type !== 'webhook') problem([...where, 'secretEnv'], 'only a webhook sink signs its body')
    if (labels !== undefined && type !== 'alertmanager') problem([...where, 'labels'], 'labels are for an alertmanager sink')
  }
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
