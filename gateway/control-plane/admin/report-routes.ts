/** GET /admin/report/:feature?window=15m and GET /admin/migration (docs/report.md). */
import type { FastifyInstance } from 'fastify'
import { UnknownFeatureError } from '../../core/errors.js'
import { buildFeatureReport } from '../report/build-report.js'
import { buildMigrationStatus } from '../report/migration.js'
import { migrationSchema, reportSchema, type AdminTypeProvider } from './admin-schemas.js'

export async function reportRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.get('/report/:feature', { schema: reportSchema }, async (request) => {
    const ctx = app.reportContext()
    const { feature } = request.params
    if (!Object.hasOwn(ctx.snapshot.config.features, feature)) throw new UnknownFeatureError(feature)
    return await buildFeatureReport(ctx, feature, app.reportWindow(request.query.window))
  })
  app.get('/migration', { schema: migrationSchema }, async (request) =>
    await buildMigrationStatus(app.reportContext(), app.reportWindow(request.query.window)))
}
