/**
 * GET /admin/handoff/:feature[?limit=N]: runs the session handoff check (handoff-check.ts) and
 * answers its result, pass or fail, with 200; 404 for a feature routes.yaml does not name. It
 * writes (and deletes) clones in the legacy store, so it sits behind the admin auth hook like
 * every /admin route, and every run is audited (`handoff.check`, with its status and the
 * hashed sessions that failed); a run that did not pass is alerted to the alert sinks. The
 * environment is the process's (session dir, Redis URL, Flask secret).
 */
import type { FastifyInstance } from 'fastify'
import { AdminBadRequestError } from '../../core/errors.js'
import { recordAuditEntry, requireFeature, type AdminContext } from './admin-context.js'
import { MAX_HANDOFF_SAMPLE, runHandoffCheck } from '../handoff/handoff-check.js'

export async function handoffRoutes (app: FastifyInstance, ctx: AdminContext): Promise<void> {
  app.get<{ Params: { feature: string }, Querystring: { limit?: string } }>('/handoff/:feature', async (request) => {
    const { feature } = request.params
    requireFeature(ctx, feature)
    const raw = request.query.limit
    const limit = raw === undefined ? undefined : Number(raw)
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_HANDOFF_SAMPLE)) {
      throw new AdminBadRequestError(`querystring.limit must be an integer from 1 to ${MAX_HANDOFF_SAMPLE}`)
    }
    const result = await runHandoffCheck({ config: ctx.gateway.holder.current().config, env: process.env, feature, limit, log: request.log })
    const failed = result.sessions.filter((s) => !s.ok).map((s) => s.session)
    const { entry, warnings } = await recordAuditEntry(ctx, request, {
      action: 'handoff.check',
      feature,
      before: null,
      after: { ok: result.ok, status: result.status, reason: result.reason, sessions: result.sessions.length, failed, cleanup: result.cleanup }
    })
    if (!result.ok) ctx.alerts.handoffFailed({ feature, by: 'operator', who: entry.who, result })
    return warnings.length === 0 ? result : { ...result, warnings }
  })
}
