/** /health, /api/session/health, /api/csrf-token, /api/models, /api/feature_flags (docs/legacy-app.md §2.1, §2.5). */
import type { FastifyInstance } from 'fastify'
import { sendJson } from '../http/flask-json.js'
import { naiveIsoTimestamp } from '../http/naive-timestamp.js'
import type { ServiceContext } from '../service-context.js'
import { ensureCsrfToken } from '../session/csrf.js'
import { featureFlagsFromEnv } from './feature-flags.js'

export const SERVICE_VERSION = '2.0.0'
/** Advisory only, as in legacy: the token itself never expires. */
export const CSRF_TOKEN_EXPIRES_IN_S = 3600

/** Without a live `genai.list_models()` the legacy app falls back to these two. */
const FALLBACK_MODELS = ['gemini-1.5-pro', 'gemini-1.5-flash'].map((name) => ({ id: `gemini/${name}`, name, provider: 'gemini' }))

export async function metaRoutes (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.get('/health', async (_request, reply) => {
    return await sendJson(reply, 200, { status: 'healthy', timestamp: naiveIsoTimestamp(), version: SERVICE_VERSION, checks: { database: 'N/A', llm: 'ready' } })
  })

  app.get('/api/session/health', async (_request, reply) => {
    const info = context.sessionStore
    if (info.kind === 'redis') {
      const connected = info.ping == null ? true : await info.ping().catch(() => false)
      return await sendJson(reply, 200, {
        status: connected ? 'healthy' : 'degraded',
        session_store: 'redis',
        details: { redis_connected: connected, fallback_active: false, connection_info: {} }
      })
    }
    return await sendJson(reply, 200, {
      status: 'healthy',
      session_store: 'filesystem',
      details: { redis_connected: false, fallback_active: false, session_dir: info.sessionDir ?? (info.kind === 'memory' ? ':memory:' : './flask_session') }
    })
  })

  app.get('/api/csrf-token', async (request, reply) => {
    return await sendJson(reply, 200, { csrf_token: ensureCsrfToken(request), expires_in: CSRF_TOKEN_EXPIRES_IN_S })
  })

  app.get('/api/models', async (_request, reply) => {
    const flags = featureFlagsFromEnv(context.env)
    if (!flags.model_selection) {
      return await sendJson(reply, 200, {
        models: [{ name: flags.default_model, display_name: 'Default Model' }],
        feature_disabled: true,
        message: 'モデル選択機能は現在無効化されています'
      })
    }
    return await sendJson(reply, 200, { models: FALLBACK_MODELS, categories: { gemini: FALLBACK_MODELS } })
  })

  app.get('/api/feature_flags', async (_request, reply) => {
    return await sendJson(reply, 200, featureFlagsFromEnv(context.env))
  })
}
