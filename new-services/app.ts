/**
 * buildNewServices(options): the new TypeScript services as one ready Fastify instance, split
 * by service plugin (session, chat, scenario, watch, meta). server.ts listens; tests call this.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { SessionCookieCodec, SessionStore } from '@strangler-gateway/flask-session'
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
import { historyCapFromEnv } from './session/history-cap.js'
import type { SessionCookieOptions } from './session/session-cookie.js'
import { setUpSessions, type SessionSetupOptions } from './session/session-setup.js'
import sessionPlugin from './session/session-plugin.js'
import { shadowSnapshotsFromEnv, type ShadowSnapshotOptions } from './session/shadow-snapshot.js'
import { watchRoutes } from './watch/watch-routes.js'

/** Chat messages are capped at 10,000 characters; JSON escaping can triple that in bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024

export interface NewServicesOptions {
  /**
   * Which legacy session mode to share (store, cookie codec, cookie rules) when no store is
   * given: default `{ mode: 'memory' }`; server.ts passes sessionSetupFromEnv().
   */
  session?: SessionSetupOptions
  /** A store of the caller's (the caller closes it); `session.mode` still picks cookie rules. */
  sessionStore?: SessionStore
  /** Overrides what /api/session/health reports. */
  sessionStoreInfo?: SessionStoreInfo
  /** Cookie value <-> sid; overrides the mode's codec. */
  cookieCodec?: SessionCookieCodec
  /** Overrides the mode's cookie rules. */
  cookie?: Partial<SessionCookieOptions>
  /**
   * Where stateful shadows' session snapshots are (a store of the caller's, not closed here);
   * default from the environment (SHADOW_SNAPSHOT_REDIS_URL or REDIS_URL), else none.
   */
  shadowSnapshots?: ShadowSnapshotOptions
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

  const scenarios = options.scenarios ?? await loadScenarios(options.scenariosDir ?? await scenariosDirFromEnv(env))
  const llm = options.llm == null
    ? createLlmService(llmOptionsFromEnv(env))
    : isLlmService(options.llm) ? options.llm : createLlmService(options.llm)
  // A caller's store stays the caller's; otherwise the setup's store (and client) close with the app.
  const setup = setUpSessions({ ...options.session, store: options.sessionStore })
  const store = setup.store
  app.addHook('onClose', async () => await setup.close())
  const snapshotSetup = options.shadowSnapshots === undefined ? shadowSnapshotsFromEnv(env) : undefined
  if (snapshotSetup !== undefined) app.addHook('onClose', async () => await snapshotSetup.close())
  const context: ServiceContext = {
    llm,
    scenarios: createScenarioCatalog(scenarios),
    env,
    sessionStore: options.sessionStoreInfo ?? setup.info
  }

  // Order matters: error shapes first (they see every route), then bodies kept raw, metrics
  // (so every answer is counted), the session, CSRF (needs the session), then the services.
  installErrorHandlers(app)
  keepBodiesRaw(app)
  await app.register(metricsPlugin)
  await app.register(sessionPlugin, {
    store,
    codec: options.cookieCodec ?? setup.codec,
    cookie: { ...setup.cookie, ...options.cookie },
    historyCap: options.historyCap ?? historyCapFromEnv(env),
    shadowSnapshots: options.shadowSnapshots ?? snapshotSetup
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
