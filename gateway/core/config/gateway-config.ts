/** The validated, defaulted and frozen shape of routes.yaml. schema.ts is the source of truth. */

export type CompareMode = 'exact' | 'shape' | 'sse'

export interface UpstreamTimeouts {
  connectMs: number
  /** Time to the response headers. */
  headersMs: number
  /** Longest silence while the body streams; SSE endpoints need this generous. */
  bodyMs: number
}

export interface UpstreamConfig {
  url: string
  timeouts: UpstreamTimeouts
  connections: number
  /** Probed by the gateway's /health. */
  healthPath: string
  /** The upstream's own Prometheus endpoint, read by the report for memory figures. */
  metricsUrl: string | null
}

export interface CompareConfig {
  mode: CompareMode
  ignorePaths: string[]
  arrayOrderInsensitive: boolean
  numericTolerance: number
  whitespaceInsensitive: boolean
  headers: string[]
  /** Call legacy twice for idempotent requests and drop differences seen between the two. */
  secondLegacyCall: boolean
}

export interface ShadowFeatureConfig {
  /** Percent of legacy-served traffic mirrored to new: by session hash, or by request without a session. */
  sample: number
  /** `stateful` shadows session-changing requests against a session snapshot. */
  mode: 'stateless' | 'stateful'
}

/** `shadow`: flag off, judged on shadow pairs; N: flag on, canary N%. */
export type RolloutStep = 'shadow' | number

export interface RolloutConfig {
  steps: RolloutStep[]
  /** The verdict must stay `ready` this long on a step before the next one. */
  bakeMs: number
  /** Requests needed on each side of a source, counted from the step's start. */
  minSamples: number
  /** How often the controller reads the report. */
  intervalMs: number
  /** not_ready: roll back (flag off, canary 0) when true, else pause. */
  autoRollback: boolean
  /** Say what would be done, change nothing. */
  dryRun: boolean
  /** The verdict thresholds for this feature's rollout decisions (minSamples above). */
  thresholds: {
    maxP95Ratio: number
    latencyToleranceMs: number
    errorRateMargin: number
    maxMemoryRatio: number
    maxDiffRate: number
  }
}

export interface FeatureConfig {
  enabled: boolean
  canary: number
  fallback: boolean
  shadow: ShadowFeatureConfig
  compare: CompareConfig
  /** Progressive delivery plan (gateway/rollout); absent: flags move by hand only. */
  rollout?: RolloutConfig
}

export interface RouteConfig {
  path: string
  /** Upper-case; empty means every method. */
  methods: string[]
  feature: string
  /** Non-idempotent methods of this route may be mirrored. */
  shadowSafe: boolean
  /** Overrides the feature's shadow.mode for this route; null: the feature's. */
  shadow: 'stateless' | 'stateful' | null
}

export interface SessionConfig {
  cookie: string
  signed: boolean
  /** Name of the environment variable holding Flask's SECRET_KEY (for signed cookies). */
  secretEnv: string
  store: SessionStoreConfig
}

/** The legacy app's Flask-Session store, read by stateful shadows (docs/stateful-shadow.md). */
export interface SessionStoreConfig {
  type: 'filesystem' | 'redis'
  /** filesystem: SESSION_FILE_DIR; null: the environment's SESSION_FILE_DIR, else ./flask_session. */
  dir: string | null
  /** redis: the environment variable holding the session Redis URL (unset: REDIS_URL). */
  urlEnv: string
  /** null: Flask-Session's prefix for the type (`session:`; `workplace-roleplay:` in Redis). */
  keyPrefix: string | null
  codec: 'pickle' | 'msgpack' | 'json'
}

export interface LimitsConfig {
  /** Largest request body the gateway forwards. */
  bodyBytes: number
  /** Request bodies up to this size are kept so a failed call to new can be replayed to legacy. */
  replayBodyBytes: number
  /** Responses slower than this log a warning. */
  slowResponseMs: number
}

export interface ShadowBudgetConfig {
  maxConcurrent: number
  maxQueue: number
  requestBodyBytes: number
  responseBodyBytes: number
  timeoutMs: number
  /** Stateful shadows: how long a session snapshot (and new's resulting session) may live. */
  snapshotTtlMs: number
  /** Stateful shadows: the longest the user's request waits for the session snapshot read. */
  snapshotReadTimeoutMs: number
}

export interface DiffStoreConfig {
  maxRecordsPerRoute: number
  ttlSeconds: number
  keyPrefix: string
}

export interface GatewayConfig {
  upstreams: { legacy: UpstreamConfig, new: UpstreamConfig }
  session: SessionConfig
  limits: LimitsConfig
  shadow: ShadowBudgetConfig
  diffStore: DiffStoreConfig
  features: Record<string, FeatureConfig>
  routes: RouteConfig[]
}
