/**
 * GET /admin/diffs and GET /admin/diffs/summary: what shadow traffic found, read from the diff
 * store.
 */
import type { FastifyInstance } from 'fastify'
import type { DiffStore } from '../../analysis/diff-store/diff-store-types.js'
import { allKnown, type KnownDifferences } from '../../analysis/known-differences/known-difference.js'
import { diffsSchema, diffSummarySchema, type AdminTypeProvider } from './admin-schemas.js'

export async function diffRoutes (fastify: FastifyInstance, { store, known }: { store: DiffStore, known?: KnownDifferences }): Promise<void> {
  const app = fastify.withTypeProvider<AdminTypeProvider>()
  app.get('/diffs', { schema: diffsSchema }, async (request) => {
    const listed = await store.list(request.query)
    if (known === undefined) return listed
    // Shown, but apart: a record whose every difference is accepted says so.
    return { ...listed, records: listed.records.map((record) => ({ ...record, known: allKnown(known, record.feature, record.route, record.differences) })) }
  })

  app.get('/diffs/summary', { schema: diffSummarySchema }, async () => ({ ...await store.summary(), store: store.stats() }))
}
