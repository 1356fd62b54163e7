/**
 * buildLegacyStandIn: a Fastify app that answers like the legacy Flask app "Workplace
 * Roleplay" (docs/legacy-app.md): same paths, bodies, error shapes, CSRF check and Flask-Session
 * sessions, with a deterministic offline model. It is the legacy upstream of the embedded
 * default and of load tests. It does not share code with new-services on purpose: it is the
 * reference the new services are compared against.
 */
import Fastify from 'fastify'
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify'
import type { SessionCookieCodec, SessionStore } from '@strangler-gateway/flask-session'
import { legacyCsrfPlugin } from './csrf.js'
import { legacyErrorsPlugin } from './legacy-errors.js'
import type { ModelSettings } from './models.js'
import { DEFAULT_MODEL } from './models.js'
import type { LegacyLlm } from './offline-llm.js'
import { createOfflineLlm } from './offline-llm.js'
import { keepBodiesRaw } from './request-body.js'
import { DEFAULT_SCENARIOS_DIR, loadScenarioCatalog } from './scenario-catalog.js'
import { legacySessionPlugin } from './session-plugin.js'
import type { SessionMode } from './session-setup.js'
import { setUpSessions } from './session-setup.js'
import type { FeatureFlags, StandInContext } from './stand-in-context.js'
import type { RandomSource } from './strength-analysis.js'
import { chatRoutes } from './routes/chat.js'
import { healthRoutes } from './routes/health.js'
import { historyRoutes } from './routes/history.js'
import { metaRoutes } from './routes/meta.js'
import { scenarioCatalogRoutes } from './routes/scenario-catalog-routes.js'
import { scenarioChatRoutes } from './routes/scenario-chat.js'
import { scenarioFeedbackRoutes } from './routes/scenario-feedback.js'
import { v2ChatRoutes } from './routes/v2-chat.js'
import { watchRoutes } from './routes/watch.js'

/** Flask sets no limit; this only keeps a runaway client from exhausting memory. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024

export interface LegacyStandInOptions {
  /** Fastify's logger config; default false. */
  logger?: FastifyServerOptions['logger']
  /** A ready pino logger instead (Fastify 5 takes instances only here). */
  loggerInstance?: FastifyBaseLogger
  /**
   * Which legacy session mode to emulate. 'filesystem' (default): Flask-Session cachelib files
   * in `sessionDir`, bare-sid cookie with Expires, `_permanent` in every dict, so every response
   * sets the cookie. 'redis': Redis at `redisUrl` (prefix workplace-roleplay:), cookie signed
   * with `secretKey`, browser-session cookie with SameSite=Lax, no `_permanent`.
   */
  sessionMode?: SessionMode
  /** Overrides the store the mode would create (e.g. new MemorySessionStore(...) in tests). The caller closes it. */
  sessionStore?: SessionStore
  /** Overrides the cookie codec the mode would use. */
  cookieCodec?: SessionCookieCodec
  cookieName?: string
  /** Default: 31 days (filesystem) or 7 days (redis). */
  sessionLifetimeSeconds?: number
  /** Filesystem mode: SESSION_FILE_DIR, default ./flask_session (created when missing). */
  sessionDir?: string
  /** Redis mode: default redis://127.0.0.1:6379/0. */
  redisUrl?: string
  /** Redis mode: Flask's secret key (FLASK_SECRET_KEY); default legacy's development key. */
  secretKey?: string
  /** Default: the sample scenarios shipped next to this file. */
  scenariosDir?: string
  /** Default: the deterministic offline model. */
  llm?: LegacyLlm
  models?: Partial<ModelSettings>
  flags?: Partial<FeatureFlags>
  /** Strength scores are random in legacy; pass seededRandom(n) for repeatable runs. */
  random?: RandomSource
  now?: () => Date
}

export async function buildLegacyStandIn (options: LegacyStandInOptions = {}): Promise<FastifyInstance> {
  const sessions = setUpSessions({
    mode: options.sessionMode,
    store: options.sessionStore,
    cookieCodec: options.cookieCodec,
    lifetimeSeconds: options.sessionLifetimeSeconds,
    dir: options.sessionDir,
    redisUrl: options.redisUrl,
    secretKey: options.secretKey
  })

  const context: StandInContext = {
    llm: options.llm ?? createOfflineLlm(),
    models: { defaultModel: DEFAULT_MODEL, ...options.models },
    scenarios: await loadScenarioCatalog(options.scenariosDir ?? DEFAULT_SCENARIOS_DIR),
    flags: { modelSelection: true, tts: false, learningHistory: true, strengthAnalysis: true, ...options.flags },
    random: options.random ?? Math.random,
    sessionHealth: sessions.health,
    now: options.now ?? (() => new Date())
  }

  const app = options.loggerInstance === undefined
    ? Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT_BYTES })
    : Fastify({ loggerInstance: options.loggerInstance, bodyLimit: BODY_LIMIT_BYTES })
  if (sessions.ownsStore) app.addHook('onClose', async () => { await sessions.store.close() })

  // Order matters: raw bodies before any route reads one; the error plugin's onRoute hook
  // before the routes it must know for 405s; the session before CSRF, which reads it.
  keepBodiesRaw(app)
  await app.register(legacyErrorsPlugin)
  await app.register(legacySessionPlugin, {
    store: sessions.store,
    cookieCodec: sessions.cookieCodec,
    cookieName: options.cookieName ?? 'session',
    lifetimeSeconds: sessions.lifetimeSeconds,
    permanent: sessions.mode === 'filesystem',
    sameSite: sessions.mode === 'redis' ? 'Lax' : undefined
  })
  await app.register(legacyCsrfPlugin)

  await app.register(healthRoutes, context)
  await app.register(metaRoutes, context)
  await app.register(chatRoutes, context)
  await app.register(historyRoutes)
  await app.register(scenarioCatalogRoutes, context)
  await app.register(scenarioChatRoutes, context)
  await app.register(scenarioFeedbackRoutes, context)
  await app.register(watchRoutes, context)
  await app.register(v2ChatRoutes)

  await app.ready()
  return app
}
