/**
 * The one JSON Schema of routes.yaml. Every optional field has its default here, so the loaded
 * config is complete and code never re-states a default. It is also the source of the config's
 * types: gateway-config.ts derives them with json-schema-to-ts, so a field is typed (and
 * documented) here only. It stays `as const` for that; `satisfies JSONSchema` checks its shape
 * here without widening it, and Ajv compiles the same object.
 */
import type { JSONSchema } from 'json-schema-to-ts'
import { DEFAULT_VERDICT_THRESHOLDS as VERDICT } from './verdict-thresholds.js'

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
        /** Time to the response headers. */
        headersMs: { ...positiveInt, default: 30_000 },
        /** Longest silence while the body streams; SSE endpoints need this generous. */
        bodyMs: { ...positiveInt, default: 60_000 }
      }
    },
    connections: { ...positiveInt, default: 128 },
    /** Probed by the gateway's /health. */
    healthPath: { type: 'string', pattern: '^/', default: '/health' },
    /** The upstream's own Prometheus endpoint, read by the report for memory figures. */
    metricsUrl: { type: ['string', 'null'], pattern: '^https?://', default: null }
  }
} as const

/** The kinds of difference a comparison reports (gateway/analysis/diff/diff-types.ts). */
export const DIFFERENCE_KINDS = ['changed', 'missing', 'extra', 'array', 'status', 'header', 'type', 'session', 'sse'] as const

/**
 * A difference this routes.yaml declares known: deliberate ones, such as a list the legacy app
 * reads from an outside API and new keeps fixed. Counted apart, like those accepted through the
 * admin API (docs/comparison.md, "Known differences"), and never expiring.
 */
const knownDifference = {
  type: 'object',
  additionalProperties: false,
  required: ['route', 'path', 'kinds', 'reason'],
  properties: {
    /** The route template, as routes: names it. */
    route: { type: 'string', pattern: '^/' },
    /** A difference path in the ignore-path syntax (`models[].name`, `models.**`). */
    path: { type: 'string', minLength: 1 },
    kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: DIFFERENCE_KINDS } },
    reason: { type: 'string', minLength: 3, maxLength: 500 }
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
    /** Call legacy twice for idempotent requests and drop differences seen between the two. */
    secondLegacyCall: { type: 'boolean', default: false },
    /** Stateful shadows' session comparison (docs/stateful-shadow.md). */
    session: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /**
         * Per session key path (ignore-path syntax): `exact` for stored settings, `shape` for
         * generated text, `ignore` for tokens and times; other keys follow `mode`. The default
         * fits the legacy app's keys (docs/legacy-app.md §3.2); `keys: {}` turns it off.
         */
        keys: {
          type: 'object',
          additionalProperties: { enum: ['exact', 'shape', 'ignore'] },
          default: { chat_settings: 'exact', 'chat_history[].ai': 'shape', 'csrf_token*': 'ignore' }
        }
      }
    },
    known: { type: 'array', items: knownDifference, default: [] }
  }
} as const

/** Optional: no block, no automatic rollout. Steps run in file order (gateway/control-plane/rollout/plan.ts checks it). */
const rollout = {
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    steps: {
      type: 'array',
      minItems: 1,
      // 'shadow', a canary percentage, 'live' or 'complete'; each keyword applies to its own type
      // only. FromSchema does not read `pattern`: gateway-config.ts narrows the string arm by it.
      items: { type: ['string', 'number'], pattern: '^(shadow|live|complete)$', exclusiveMinimum: 0, maximum: 100 }
    },
    /** The verdict must stay `ready` this long on a step before the next one. */
    bakeMs: { type: 'integer', minimum: 0, default: 600_000 },
    /** Requests needed on each side of a source, counted from the step's start. */
    minSamples: { ...positiveInt, default: VERDICT.minSamples },
    /** How often the controller reads the report. */
    intervalMs: { type: 'integer', minimum: 50, default: 30_000 },
    /** not_ready: roll back (flag off, canary 0) when true, else pause. */
    autoRollback: { type: 'boolean', default: true },
    /** Say what would be done, change nothing. */
    dryRun: { type: 'boolean', default: false },
    /** Run the session handoff check (gateway/control-plane/handoff/) before each promotion; a failure holds the step. */
    handoffCheck: { type: 'boolean', default: false },
    /** The verdict thresholds for this feature's rollout decisions (minSamples above). */
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
        /** Percent of legacy-served traffic mirrored to new: by session hash, or by request without a session. */
        sample: { ...percent, default: 0 },
        /** `stateful` shadows session-changing requests against a session snapshot. */
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
    /** Upper-case; empty means every method. */
    methods: {
      type: 'array',
      items: { type: 'string', pattern: '^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$' },
      uniqueItems: true,
      default: []
    },
    feature: { type: 'string' },
    /** Non-idempotent methods of this route may be mirrored. */
    shadowSafe: { type: 'boolean', default: false },
    /** Overrides the feature's shadow.mode for this route; null: the feature's. */
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
        /** Name of the environment variable holding Flask's SECRET_KEY (for signed cookies). */
        secretEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', default: 'FLASK_SECRET_KEY' },
        // Where the legacy app's Flask-Session keeps sessions; read only for stateful shadows.
        store: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            type: { enum: ['filesystem', 'redis'], default: 'filesystem' },
            /** filesystem: SESSION_FILE_DIR; null: the environment's SESSION_FILE_DIR, else ./flask_session. */
            dir: { type: ['string', 'null'], minLength: 1, default: null },
            /** redis: the environment variable holding the session Redis URL (unset: REDIS_URL). */
            urlEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', default: 'SESSION_REDIS_URL' },
            /** null: Flask-Session's prefix for the type (`session:`; `workplace-roleplay:` in Redis). */
            keyPrefix: { type: ['string', 'null'], default: null },
            codec: { enum: ['pickle', 'msgpack', 'json'], default: 'pickle' }
          }
        }
      }
    },
    /**
     * Peers (addresses or CIDRs) whose X-Forwarded-* and Forwarded headers are believed and
     * appended to: the load balancers in front of the gateway. From anyone else they are replaced.
     */
    trustedProxies: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    /** How the gateway listens: plain HTTP/1.1, or with `tls` HTTPS with HTTP/2 offered beside HTTP/1.1. */
    listen: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** PEM files (paths from the working directory), re-read on every reload; null: plain HTTP. */
        tls: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['cert', 'key'],
          properties: { cert: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 } },
          default: null
        }
      }
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** Largest request body the gateway forwards. */
        bodyBytes: { ...positiveInt, default: 10 * 1024 * 1024 },
        /** Request bodies up to this size are kept so a failed call to new can be replayed to legacy. */
        replayBodyBytes: { type: 'integer', minimum: 0, default: 1024 * 1024 },
        /** Responses slower than this log a warning. */
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
        /** Stateful shadows: how long a session snapshot (and new's resulting session) may live. */
        snapshotTtlMs: { ...positiveInt, default: 30_000 },
        /** Stateful shadows: the longest the user's request waits for the session snapshot read. */
        snapshotReadTimeoutMs: { ...positiveInt, default: 200 },
        /**
         * Bytes held for shadows: mirrored request bodies and the captured copies of legacy's
         * answers, while a shadow holds them. A shadow that would go over is dropped (`memory`).
         */
        maxBufferedBytes: { type: 'integer', minimum: 0, default: 16 * 1024 * 1024 },
        /** The gateway's own pressure, above which new shadows are shed (`pressure`). */
        protect: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            /** p99 event-loop delay (ms, the monitor's resolution taken off) over the last window above which shadows are shed; 0: off. */
            eventLoopDelayMs: { type: 'integer', minimum: 0, default: 0 },
            /**
             * The users' p95 may be at most this multiple of their shadow-free p95; the share of
             * shadows admitted falls and rises to keep it (latency-guard.ts); 0: off.
             */
            p95Ratio: { anyOf: [{ const: 0 }, { type: 'number', minimum: 1 }], default: 0 },
            /** How often the shadow-free p95 is measured (two windows with no shadow admitted). */
            baselineEveryMs: { type: 'integer', minimum: 1_000, default: 60_000 },
            /** Length of the window the p99 and the p95 are taken over. */
            windowMs: { type: 'integer', minimum: 100, default: 1_000 }
          }
        }
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
    /**
     * SIGTERM/SIGINT (gateway/runtime/server.ts): /ready answers 503 at once and shadows are
     * dropped; the process exits within delayMs + graceMs + 1 s. The read is at the signal, so a
     * reload applies to the next shutdown.
     */
    shutdown: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /**
         * The listener stays open this long, serving, so load balancers see /ready 503 and stop
         * sending before it closes (the preStop-sleep pattern, inside the process).
         */
        delayMs: { type: 'integer', minimum: 0, default: 5_000 },
        /**
         * Then requests still running have this long to finish; SSE streams still open are then
         * ended cleanly, anything else still open is cut. The default is upstreams' headersMs
         * default: a request whose upstream answers in the time the gateway allows it can finish.
         */
        graceMs: { type: 'integer', minimum: 0, default: 30_000 }
      }
    },
    /**
     * An alert on every rollback (an operator's POST /admin/rollback[/:feature], the rollout
     * controller's automatic one), sent by the replica that rolled back, from a bounded queue
     * that never holds the rollback up (gateway/control-plane/alerts/, docs/alerts.md).
     */
    alerts: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** The gateway as operators reach it: alerts link to <publicUrl>/admin/report/<feature>. null: no link. */
        publicUrl: { type: ['string', 'null'], pattern: '^https?://[^\\s/]+', default: null },
        /** Longest wait for a sink's answer, per attempt; a slower one counts as failed and is retried. */
        timeoutMs: { ...positiveInt, default: 15_000 },
        /** Alerts waiting per sink (the one being sent included); when full, a new alert is dropped. */
        queueSize: { ...positiveInt, default: 100 },
        retry: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            /** Tries per alert and sink, the first included. */
            attempts: { ...positiveInt, default: 8 },
            /** Wait before the second try; doubled before each next one, up to maxDelayMs. */
            initialDelayMs: { type: 'integer', minimum: 0, default: 1_000 },
            maxDelayMs: { type: 'integer', minimum: 0, default: 60_000 }
          }
        },
        /** By name (the `sink` label of the app_alerts_* metrics). Each gives `url` or `urlEnv`, not both (load-config.ts). */
        sinks: {
          type: 'object',
          default: {},
          propertyNames: { pattern: '^[a-z][a-z0-9_-]*$' },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: {
              /** slack: {"text"} to an incoming webhook; webhook: the alert as JSON; alertmanager: POST <url>/api/v2/alerts. */
              type: { enum: ['slack', 'webhook', 'alertmanager'] },
              url: { type: 'string', pattern: '^https?://[^\\s/]+' },
              /** The environment variable holding the URL instead (a Slack webhook URL is a secret itself). */
              urlEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
              /** webhook: the environment variable holding the HMAC-SHA256 key of X-Strangler-Signature. */
              secretEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
              /** alertmanager: labels added to every alert (routing, severity, team). */
              labels: { type: 'object', propertyNames: { pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }, additionalProperties: { type: 'string' } }
            }
          }
        }
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
} as const satisfies JSONSchema
