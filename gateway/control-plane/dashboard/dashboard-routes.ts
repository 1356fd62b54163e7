/**
 * The dashboard at GET /admin/: a static page (HTML, JS, CSS, uPlot served from the installed
 * package, no CDN) that draws GET /admin/dashboard-data, which sits behind the admin auth hook.
 * The admin plugin registers these routes under its /admin prefix.
 *
 * The page itself and its assets are public (route config `adminPublic`): a browser navigation cannot carry an
 * `Authorization` header, and the page holds no data. The page takes the token from the URL
 * fragment (`/admin/#token=...`, never sent to the server, so never in access logs), or asks,
 * and sends it as a Bearer token on every data call.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { dashboardDataSchema } from '../admin/admin-schemas.js'
import { buildDashboardData } from './dashboard-data.js'

export interface DashboardOptions {
  /** Newest diff records shown. Default 10. */
  diffLimit?: number
  /** Default 60 (minutes of charts). */
  windowMinutes?: number
}

const require = createRequire(import.meta.url)
/**
 * The assets sit next to this file in the source tree; tsc does not copy them to dist/, so a
 * compiled build reads them from the source tree it was built from.
 */
const STATIC_DIR = [new URL('./static/', import.meta.url), new URL('../../../control-plane/dashboard/static/', import.meta.url)]
  .find((dir) => existsSync(new URL('index.html', dir))) ?? new URL('./static/', import.meta.url)
const staticFile = (name: string): string => fileURLToPath(new URL(name, STATIC_DIR))

/** Read once at start: a handful of small files, served from memory. */
function loadAssets (): Map<string, { type: string, body: Buffer }> {
  return new Map([
    ['dashboard.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(staticFile('dashboard.js')) }],
    ['dashboard.css', { type: 'text/css; charset=utf-8', body: readFileSync(staticFile('dashboard.css')) }],
    ['uplot.min.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')) }],
    ['uplot.min.css', { type: 'text/css; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')) }]
  ])
}

const PUBLIC = { config: { adminPublic: true } }

/** Needs `app.reportContext` (the report plugin); shows rollouts when the rollout plugin is there. */
export async function dashboardRoutes (app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const page = readFileSync(staticFile('index.html'))
  const assets = loadAssets()
  const diffLimit = options.diffLimit ?? 10
  const defaultWindow = options.windowMinutes ?? 60

  app.get('', { ...PUBLIC, prefixTrailingSlash: 'no-slash' }, async (_request, reply) => await reply.redirect('/admin/'))
  app.get('/', { ...PUBLIC, prefixTrailingSlash: 'slash' }, async (_request, reply) =>
    await reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page))
  app.get<{ Params: { file: string } }>('/static/:file', PUBLIC, async (request, reply) => {
    const asset = assets.get(request.params.file)
    if (asset === undefined) return await reply.code(404).send({ error: 'no such dashboard asset' })
    return await reply.type(asset.type).header('cache-control', 'max-age=300').send(asset.body)
  })
  app.get<{ Querystring: { window?: string } }>('/dashboard-data', { schema: dashboardDataSchema }, async (request) => {
    const windowMinutes = app.reportWindow(request.query.window, defaultWindow)
    const rollout = app.hasDecorator('rollout') ? app.rollout.view : undefined
    const known = app.hasDecorator('knownDifferences') ? app.knownDifferences : undefined
    return await buildDashboardData(app.reportContext(), { diffStore: app.gateway.diffStore, rollout, known }, windowMinutes, diffLimit)
  })
}
