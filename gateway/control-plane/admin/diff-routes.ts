/**
 * GET /admin/diffs and GET /admin/diffs/summary: what shadow traffic found, read from the diff
 * store. Behind the admin auth hook given by the caller.
 */
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import { AdminBadRequestError } from '../../core/errors.js'
import type { DifferenceKind, Verdict } from '../../analysis/diff/diff-types.js'
import { MAX_LIST_LIMIT, type DiffStore } from '../../analysis/diff-store/diff-store-types.js'

const KINDS = new Set<DifferenceKind>(['changed', 'missing', 'extra', 'array', 'status', 'header', 'type', 'session', 'sse'])
const VERDICTS = new Set<Verdict>(['equal', 'different', 'too_large', 'error'])

interface DiffQuery { feature?: string, route?: string, kind?: string, verdict?: string, limit?: string, offset?: string }

function intParam (value: string | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) throw new AdminBadRequestError(`${name} must be an integer from 0 to ${max}`)
  return n
}

export async function diffRoutes (app: FastifyInstance, options: { store: DiffStore, auth: onRequestAsyncHookHandler }): Promise<void> {
  const { store } = options
  app.addHook('onRequest', options.auth)

  app.get<{ Querystring: DiffQuery }>('/admin/diffs', async (request) => {
    const { feature, route, kind, verdict } = request.query
    if (kind !== undefined && !KINDS.has(kind as DifferenceKind)) throw new AdminBadRequestError(`kind must be one of ${[...KINDS].join(', ')}`)
    if (verdict !== undefined && !VERDICTS.has(verdict as Verdict)) throw new AdminBadRequestError(`verdict must be one of ${[...VERDICTS].join(', ')}`)
    return await store.list({
      feature,
      route,
      kind: kind as DifferenceKind | undefined,
      verdict: verdict as Verdict | undefined,
      limit: intParam(request.query.limit, 'limit', MAX_LIST_LIMIT),
      offset: intParam(request.query.offset, 'offset', Number.MAX_SAFE_INTEGER)
    })
  })

  app.get('/admin/diffs/summary', async () => ({ ...await store.summary(), store: store.stats() }))
}
