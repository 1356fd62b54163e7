/**
 * GET /admin/diffs and GET /admin/diffs/summary: what shadow traffic found, read from the diff
 * store.
 */
import type { FastifyInstance } from 'fastify'
import type { DiffStore } from '../../analysis/diff-store/diff-store-types.js'
import { diffsSchema, diffSummarySchema, type AdminTypeProvider } from './admin-schemas.js'

export async function diffRoutes (fastify: FastifyInstance, { store }: { store: DiffStore }): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.get('/diffs', { schema: diffsSchema }, async (request) => await store.list(request.query))

  app.get('/diffs/summary', { schema: diffSummarySchema }, async () => ({ ...await store.summary(), store: store.stats() }))
}
