/**
 * How legacy answers what no view handles: unknown /api paths 404 and wrong methods 405 in the
 * AppError shape, other unknown pages as HTML, /favicon.ico as 204, OPTIONS with Allow as
 * Werkzeug does, and any escaped exception as 500 UNEXPECTED_ERROR (without the random sleep
 * of @secure_error_handler, which only slows tests).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { LegacyAppError, UNEXPECTED_ERROR_MESSAGE, appErrorBody, inViewErrorBody } from './app-errors.js'
import { sendFlaskJson } from './flask-json.js'

const NOT_FOUND_HTML = '<!doctype html>\n<html lang="ja">\n<head><meta charset="utf-8"><title>ページが見つかりません</title></head>\n' +
  '<body><h1>404</h1><p>お探しのページは見つかりませんでした。</p><a href="/">トップへ戻る</a></body>\n</html>\n'
const METHOD_NOT_ALLOWED_HTML = '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n' +
  '<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n'

interface KnownRoute {
  pattern: RegExp
  methods: Set<string>
}

function toPattern (url: string): RegExp {
  const source = url.split('/').map((part) => part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/')
  return new RegExp(`^${source}$`)
}

function sendHtml (reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').send(html)
}

async function legacyErrors (app: FastifyInstance): Promise<void> {
  const known = new Map<string, KnownRoute>()
  // Registered before the routes, so it sees every one of them.
  app.addHook('onRoute', (route) => {
    const entry = known.get(route.url) ?? { pattern: toPattern(route.url), methods: new Set<string>() }
    for (const method of [route.method].flat()) entry.methods.add(method)
    // Werkzeug answers OPTIONS for every rule by itself.
    entry.methods.add('OPTIONS')
    known.set(route.url, entry)
  })

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]
    const allowed = new Set<string>()
    for (const route of known.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) allowed.add(method)
    }
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ')
      if (request.method === 'OPTIONS') return reply.code(200).header('allow', allow).send('')
      reply.header('allow', allow)
      if (path.startsWith('/api/')) return sendFlaskJson(reply, 405, appErrorBody('METHOD_NOT_ALLOWED', 'Method not allowed'))
      return sendHtml(reply, 405, METHOD_NOT_ALLOWED_HTML)
    }
    if (path.startsWith('/api/')) {
      return sendFlaskJson(reply, 404, appErrorBody('RESOURCE_NOT_FOUND', `APIエンドポイントが見つかりません (ID: ${path})`))
    }
    if (path === '/favicon.ico') return reply.code(204).send()
    return sendHtml(reply, 404, NOT_FOUND_HTML)
  })

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof LegacyAppError) {
      request.log.info({ code: error.code, message: error.message }, 'legacy app error')
      return sendFlaskJson(reply, error.status, error.inView ? inViewErrorBody(error.code, error.message) : appErrorBody(error.code, error.message))
    }
    request.log.error({ err: error }, 'unexpected error')
    return sendFlaskJson(reply, 500, appErrorBody('UNEXPECTED_ERROR', UNEXPECTED_ERROR_MESSAGE))
  })
}

export const legacyErrorsPlugin = fp(legacyErrors, { name: 'legacy-errors', fastify: '5.x' })
