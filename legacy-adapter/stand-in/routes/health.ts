/**
 * /health is static in legacy: it checks nothing, and (cookie-less, as probes are) it still
 * creates a session, which the session plugin reproduces.
 */
import type { FastifyInstance } from 'fastify'
import { sendFlaskJson } from '../flask-json.js'
import { naiveIsoTimestamp } from '../naive-timestamp.js'
import type { StandInContext } from '../stand-in-context.js'

export const LEGACY_VERSION = '2.0.0'

export async function healthRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  app.get('/health', async (_request, reply) => sendFlaskJson(reply, 200, {
    status: 'healthy',
    timestamp: naiveIsoTimestamp(context.now()),
    version: LEGACY_VERSION,
    checks: { database: 'N/A', llm: 'ready' }
  }))

  app.get('/api/session/health', async (_request, reply) => {
    const { store, sessionDir, connectionInfo } = context.sessionHealth
    if (store === 'filesystem') {
      return sendFlaskJson(reply, 200, {
        status: 'healthy',
        session_store: 'filesystem',
        details: { redis_connected: false, fallback_active: false, session_dir: sessionDir ?? './flask_session' }
      })
    }
    return sendFlaskJson(reply, 200, {
      status: 'healthy',
      session_store: 'redis',
      details: { redis_connected: true, fallback_active: false, connection_info: connectionInfo ?? {} }
    })
  })
}
