/**
 * buildLegacyStandIn: a Fastify app that answers like the legacy Flask app "Workplace
 * Roleplay" (LEGACY-CONTRACT.md): same paths, bodies, error shapes, CSRF check and Flask-Session
 * sessions, with a deterministic offline model. It is the legacy upstream of the embedded
 * default and of load tests. It does not share code with new-services on purpose: it is the
 * reference the new services are compared against.
 */
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { SessionCookieCodec, SessionStore } from '../session/types.js'
import { legacyCsrfPlugin } from './csrf.js'
import { legacyErrorsPlugin } from './legacy-errors.js'
import { MemorySessionStore } from './memory-session-store.js'
import type { ModelSettings } from './models.js'
import { DEFAULT_MODEL } from './models.js'
import type { LegacyLlm } from './offline-llm.js'
import { createOfflineLlm } from './offline-llm.js'
import { keepBodiesRaw } from './request-body.js'
import { DEFAULT_SCENARIOS_DIR, loadScenarioCatalog } from './scenario-catalog.js'
import { bareSessionIdCodec } from './session-cookie.js'
import { legacySessionPlugin } from './session-plugin.js'
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

/** Flask's PERMANENT_SESSION_LIFETIME default. */
export const FILESYSTEM_SESSION_LIFETIME_SECONDS = 31 * 24 * 3600
/** Legacy's Redis mode in development (12 h in production). */
export const REDIS_SESSION_LIFETIME_SECONDS = 7 * 24 * 3600
/** Flask sets no limit; this only keeps a runaway client from exhausting memory. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024

export interface LegacyStandInOptions {
  /** Passed to Fastify; default false. */
  logger?: FastifyServerOptions['logger']
  /**
   * Which legacy session mode to emulate. 'filesystem' (default): permanent sessions, bare-sid
   * cookie with Expires, `_permanent` in every dict. 'redis': browser-session cookie with
   * SameSite=Lax, no `_permanent`, so cookie-less requests that write nothing create no session.
   */
  sessionMode?: 'filesystem' | 'redis'
  /** Where sessions live. Default: in memory. The app closes a store only if it created it. */
  sessionStore?: SessionStore
  /** Cookie value <-> sid. Default: the bare sid (unsigned); pass a signing codec for Redis mode. */
  cookieCodec?: SessionCookieCodec
  cookieName?: string
  /** Default: 31 days (filesystem) or 7 days (redis). */
  sessionLifetimeSeconds?: number
  /** Reported by /api/session/health in filesystem mode. */
  sessionDir?: string
  /** Reported by /api/session/health in redis mode. */
  redisConnectionInfo?: Record<string, unknown>
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
  const mode = options.sessionMode ?? 'filesystem'
  const lifetimeSeconds = options.sessionLifetimeSeconds ??
    (mode === 'filesystem' ? FILESYSTEM_SESSION_LIFETIME_SECONDS : REDIS_SESSION_LIFETIME_SECONDS)
  const ownStore = options.sessionStore === undefined
  const store = options.sessionStore ?? new MemorySessionStore(lifetimeSeconds)

  const context: StandInContext = {
    llm: options.llm ?? createOfflineLlm(),
    models: { defaultModel: DEFAULT_MODEL, ...options.models },
    scenarios: await loadScenarioCatalog(options.scenariosDir ?? DEFAULT_SCENARIOS_DIR),
    flags: { modelSelection: true, tts: false, learningHistory: true, strengthAnalysis: true, ...options.flags },
    random: options.random ?? Math.random,
    sessionHealth: mode === 'filesystem'
      ? { store: 'filesystem', sessionDir: options.sessionDir ?? './flask_session' }
      : { store: 'redis', connectionInfo: options.redisConnectionInfo },
    now: options.now ?? (() => new Date())
  }

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT_BYTES })
  if (ownStore) app.addHook('onClose', async () => { await store.close() })

  // Order matters: raw bodies before any route reads one; the error plugin's onRoute hook
  // before the routes it must know for 405s; the session before CSRF, which reads it.
  keepBodiesRaw(app)
  await app.register(legacyErrorsPlugin)
  await app.register(legacySessionPlugin, {
    store,
    cookieCodec: options.cookieCodec ?? bareSessionIdCodec,
    cookieName: options.cookieName ?? 'session',
    lifetimeSeconds,
    permanent: mode === 'filesystem',
    sameSite: mode === 'redis' ? 'Lax' : undefined
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
