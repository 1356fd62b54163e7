/**
 * buildNewServices(options): the new TypeScript services as one ready Fastify instance, split
 * by service plugin (session, chat, scenario, watch, meta). server.ts listens; tests call this.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createSessionCookieCodec } from '../legacy-adapter/session/cookie-codec.js'
import type { SessionCookieCodec, SessionStore } from '../legacy-adapter/session/types.js'
import { chatFeedbackRoute } from './chat/chat-feedback-route.js'
import { chatRoutes } from './chat/chat-routes.js'
import { chatStreamRoute } from './chat/chat-stream-route.js'
import { historyRoutes } from './chat/history-routes.js'
import { installErrorHandlers } from './http/error-handler.js'
import { keepBodiesRaw } from './http/request-body.js'
import { createLlmService, llmOptionsFromEnv, type LlmService, type LlmServiceOptions } from './llm/llm-service.js'
import { metaRoutes } from './meta/meta-routes.js'
import metricsPlugin from './metrics.js'
import { createScenarioCatalog } from './scenarios/scenario-catalog.js'
import { scenarioCatalogRoutes } from './scenarios/scenario-catalog-routes.js'
import { scenarioChatRoutes } from './scenarios/scenario-chat-routes.js'
import { scenarioFeedbackRoutes } from './scenarios/scenario-feedback-routes.js'
import { loadScenarios, scenariosDirFromEnv } from './scenarios/load-scenarios.js'
import type { Scenario } from './scenarios/scenario-types.js'
import type { Env, ServiceContext, SessionStoreInfo } from './service-context.js'
import csrfPlugin from './session/csrf.js'
import { DEFAULT_HISTORY_CAP } from './session/history-cap.js'
import { createMemorySessionStore } from './session/memory-session-store.js'
import { DEFAULT_SESSION_LIFETIME_S, type SessionCookieOptions } from './session/session-cookie.js'
import sessionPlugin from './session/session-plugin.js'
import { watchRoutes } from './watch/watch-routes.js'

/** Chat messages are capped at 10,000 characters; JSON escaping can triple that in bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024

export interface NewServicesOptions {
  /** Where sessions live; default an in-memory store owned (and closed) by the app. */
  sessionStore?: SessionStore
  /** What /api/session/health reports; default derived from whether a store was given. */
  sessionStoreInfo?: SessionStoreInfo
  /** Cookie value <-> sid; default unsigned (the legacy filesystem mode). */
  cookieCodec?: SessionCookieCodec
  /** Default: `session`, permanent, 31 days (the legacy filesystem mode). */
  cookie?: Partial<SessionCookieOptions>
  /** Newest entries kept per history when a session is written (default 100; env HISTORY_CAP). */
  historyCap?: number
  /** A ready LLM service, or options for one; default from the environment (llmOptionsFromEnv). */
  llm?: LlmService | LlmServiceOptions
  /** Scenarios already loaded, or the folder to load (default env SCENARIOS_DIR, else the stand-in samples). */
  scenarios?: Scenario[]
  scenariosDir?: string
  /** Model and feature-flag environment (default process.env). */
  env?: Env
  logger?: FastifyServerOptions['logger']
  bodyLimitBytes?: number
}

function isLlmService (value: LlmService | LlmServiceOptions): value is LlmService {
  return typeof (value as LlmService).complete === 'function'
}

export async function buildNewServices (options: NewServicesOptions = {}): Promise<FastifyInstance> {
  const env = options.env ?? process.env
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  })

  const scenarios = options.scenarios ?? await loadScenarios(options.scenariosDir ?? scenariosDirFromEnv(env))
  const llm = options.llm == null
    ? createLlmService(llmOptionsFromEnv(env))
    : isLlmService(options.llm) ? options.llm : createLlmService(options.llm)
  const store = options.sessionStore ?? createMemorySessionStore()
  const context: ServiceContext = {
    llm,
    scenarios: createScenarioCatalog(scenarios),
    env,
    sessionStore: options.sessionStoreInfo ?? { kind: options.sessionStore == null ? 'memory' : 'filesystem' }
  }

  // Order matters: error shapes first (they see every route), then bodies kept raw, metrics
  // (so every answer is counted), the session, CSRF (needs the session), then the services.
  installErrorHandlers(app)
  keepBodiesRaw(app)
  await app.register(metricsPlugin)
  await app.register(sessionPlugin, {
    store,
    codec: options.cookieCodec ?? createSessionCookieCodec({ signed: false }),
    cookie: { name: 'session', permanent: true, lifetimeSeconds: DEFAULT_SESSION_LIFETIME_S, ...options.cookie },
    historyCap: options.historyCap ?? (env.HISTORY_CAP != null ? Number(env.HISTORY_CAP) : DEFAULT_HISTORY_CAP),
    closeStore: options.sessionStore == null
  })
  await app.register(csrfPlugin)
  await app.register(chatRoutes, context)
  await app.register(chatFeedbackRoute, context)
  await app.register(historyRoutes, context)
  await app.register(chatStreamRoute, context)
  await app.register(scenarioCatalogRoutes, context)
  await app.register(scenarioChatRoutes, context)
  await app.register(scenarioFeedbackRoutes, context)
  await app.register(watchRoutes, context)
  await app.register(metaRoutes, context)
  await app.ready()
  return app
}
