/**
 * Decorates `app.adminAudit`: the audit trail the admin routes and the rollout controller record
 * to. The plugin owns the log it is given (default: in memory) and closes it with the app.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createMemoryAuditLog, type AuditLog } from './audit-log.js'

export interface AuditPluginOptions {
  /** Default: in memory (one process). createRedisAuditLog shares it across replicas. */
  audit?: AuditLog
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin audit trail. */
    adminAudit: AuditLog
  }
}

async function auditPlugin (app: FastifyInstance, options: AuditPluginOptions): Promise<void> {
  const audit = options.audit ?? createMemoryAuditLog()
  app.decorate('adminAudit', audit)
  app.addHook('onClose', async () => { await audit.close() })
}

export default fp(auditPlugin, { name: 'audit', fastify: '5.x' })
