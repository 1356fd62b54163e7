/**
 * The one JSON Schema of routes.yaml. Every optional field has its default here, so the loaded
 * config is complete and code never re-states a default.
 */
import { DEFAULT_VERDICT_THRESHOLDS as VERDICT } from '../../analysis/report/verdict.js'

const percent = { type: 'number', minimum: 0, maximum: 100 } as const
const positiveInt = { type: 'integer', minimum: 1 } as const

const upstream = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', pattern: '^https?://[^\\s/]+' },
    timeouts: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        connectMs: { ...positiveInt, default: 2_000 },
        headersMs: { ...positiveInt, default: 30_000 },
        bodyMs: { ...positiveInt, default: 60_000 }
      }
    },
    connections: { ...positiveInt, default: 128 },
    healthPath: { type: 'string', pattern: '^/', default: '/health' },
    metricsUrl: { type: ['string', 'null'], pattern: '^https?://', default: null }
  }
} as const

const compare = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    mode: { enum: ['exact', 'shape', 'sse'], default: 'exact' },
    ignorePaths: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    arrayOrderInsensitive: { type: 'boolean', default: false },
    numericTolerance: { type: 'number', minimum: 0, default: 0 },
    whitespaceInsensitive: { type: 'boolean', default: false },
    headers: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['content-type'] },
    secondLegacyCall: { type: 'boolean', default: false }
  }
} as const

/** Optional: no block, no automatic rollout. Steps run in file order (gateway/rollout/plan.ts checks it). */
const rollout = {
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    steps: {
      type: 'array',
      minItems: 1,
      // 'shadow' or a canary percentage; each keyword applies to its own type only.
      items: { type: ['string', 'number'], pattern: '^shadow$', exclusiveMinimum: 0, maximum: 100 }
    },
    bakeMs: { type: 'integer', minimum: 0, default: 600_000 },
    minSamples: { ...positiveInt, default: VERDICT.minSamples },
    intervalMs: { type: 'integer', minimum: 50, default: 30_000 },
    autoRollback: { type: 'boolean', default: true },
    dryRun: { type: 'boolean', default: false },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxP95Ratio: { type: 'number', minimum: 1, default: VERDICT.maxP95Ratio },
        latencyToleranceMs: { type: 'number', minimum: 0, default: VERDICT.latencyToleranceMs },
        errorRateMargin: { type: 'number', minimum: 0, maximum: 1, default: VERDICT.errorRateMargin },
        maxMemoryRatio: { type: 'number', minimum: 1, default: VERDICT.maxMemoryRatio },
        maxDiffRate: { type: 'number', minimum: 0, maximum: 1, default: VERDICT.maxDiffRate }
      }
    }
  }
} as const

const feature = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean', default: false },
    canary: { ...percent, default: 0 },
    fallback: { type: 'boolean', default: true },
    shadow: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        sample: { ...percent, default: 0 },
        mode: { enum: ['stateless', 'stateful'], default: 'stateless' }
      }
    },
    compare,
    rollout
  }
} as const

const route = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'feature'],
  properties: {
    path: { type: 'string', pattern: '^/[^?#\\s]*$' },
    methods: {
      type: 'array',
      items: { type: 'string', pattern: '^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$' },
      uniqueItems: true,
      default: []
    },
    feature: { type: 'string' },
    shadowSafe: { type: 'boolean', default: false },
    // null: the feature's shadow.mode.
    shadow: { enum: ['stateless', 'stateful', null], default: null }
  }
} as const

export const routesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['upstreams', 'routes'],
  properties: {
    upstreams: {
      type: 'object',
      additionalProperties: false,
      required: ['legacy', 'new'],
      properties: { legacy: upstream, new: upstream }
    },
    session: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        cookie: { type: 'string', pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$', default: 'session' },
        signed: { type: 'boolean', default: false },
        secretEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', default: 'FLASK_SECRET_KEY' },
        // Where the legacy app's Flask-Session keeps sessions; read only for stateful shadows.
        store: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            type: { enum: ['filesystem', 'redis'], default: 'filesystem' },
            dir: { type: ['string', 'null'], minLength: 1, default: null },
            urlEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', default: 'SESSION_REDIS_URL' },
            keyPrefix: { type: ['string', 'null'], default: null },
            codec: { enum: ['pickle', 'msgpack', 'json'], default: 'pickle' }
          }
        }
      }
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bodyBytes: { ...positiveInt, default: 10 * 1024 * 1024 },
        replayBodyBytes: { type: 'integer', minimum: 0, default: 1024 * 1024 },
        slowResponseMs: { ...positiveInt, default: 1_000 }
      }
    },
    shadow: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxConcurrent: { ...positiveInt, default: 64 },
        maxQueue: { type: 'integer', minimum: 0, default: 256 },
        requestBodyBytes: { type: 'integer', minimum: 0, default: 1024 * 1024 },
        responseBodyBytes: { type: 'integer', minimum: 0, default: 1024 * 1024 },
        timeoutMs: { ...positiveInt, default: 10_000 },
        snapshotTtlMs: { ...positiveInt, default: 30_000 },
        snapshotReadTimeoutMs: { ...positiveInt, default: 200 }
      }
    },
    diffStore: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxRecordsPerRoute: { ...positiveInt, default: 200 },
        ttlSeconds: { ...positiveInt, default: 7 * 24 * 3600 },
        keyPrefix: { type: 'string', default: 'strangler:' }
      }
    },
    features: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z][a-z0-9_]*$' },
      additionalProperties: feature
    },
    routes: { type: 'array', items: route }
  }
} as const
