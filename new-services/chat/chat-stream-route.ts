/**
 * POST /api/v2/chat: the reply as Server-Sent Events, written as the provider produces it
 * (`data: {"content"}` per chunk, then `data: {"done", "full_content"}`; failures
 * `data: {"error"}`). The exchange joins the shared chat history once the stream completes.
 * The legacy endpoint of the same name always fails; this one is the working version.
 */
import type { FastifyInstance } from 'fastify'
import { validationError } from '../http/app-errors.js'
import { pythonJsonDumps, sendJson } from '../http/flask-json.js'
import { RATE_LIMIT_MESSAGE } from '../http/llm-failure.js'
import { naiveIsoTimestamp } from '../http/naive-timestamp.js'
import { readJsonObject } from '../http/request-body.js'
import { LlmRateLimitError } from '../llm/errors.js'
import { isAllowedModelName, resolveModel } from '../llm/model-names.js'
import type { ServiceContext } from '../service-context.js'
import { bleachClean } from './bleach-clean.js'
import { chatSystemPrompt } from './chat-prompts.js'
import { asExchanges, exchangesToMessages, storedList } from './history.js'
import { MODERATION_REJECTED_RESPONSE, moderate, validateMessage } from './message-validation.js'

export const STREAM_ERROR_MESSAGE = 'ストリーミングエラーが発生しました'

const event = (payload: unknown): string => `data: ${pythonJsonDumps(payload)}\n\n`

export async function chatStreamRoute (app: FastifyInstance, context: ServiceContext): Promise<void> {
  app.post('/api/v2/chat', async (request, reply) => {
    const data = readJsonObject(request)
    const message = validateMessage(data?.message)
    const model = resolveModel('chat', data?.model, context.env)
    if (!isAllowedModelName(model)) throw validationError('無効なモデル名です')
    const moderation = moderate(message)
    if (!moderation.allowed) return await sendJson(reply, 400, { response: MODERATION_REJECTED_RESPONSE, moderation })

    const session = request.session
    const settings = session.get<Record<string, unknown>>('chat_settings')
    // Without a started chat the stream still works, with the default colleague setting.
    const systemPrompt = typeof settings?.system_prompt === 'string' && settings.system_prompt !== ''
      ? settings.system_prompt
      : chatSystemPrompt('colleague', 'break', 'general')
    const history = asExchanges(storedList(session.get('chat_history')))

    const abort = new AbortController()
    const onClose = (): void => { if (!reply.raw.writableFinished) abort.abort() }
    reply.raw.on('close', onClose)
    const chunks = context.llm.stream(model, [
      { role: 'system', content: systemPrompt },
      ...exchangesToMessages(history),
      { role: 'user', content: message }
    ], { signal: abort.signal })[Symbol.asyncIterator]()

    // The first chunk is awaited before answering, so a rate limit can still be a plain 429.
    let first: IteratorResult<string>
    try {
      first = await chunks.next()
    } catch (err) {
      reply.raw.off('close', onClose)
      if (err instanceof LlmRateLimitError) return await sendJson(reply, 429, { error: RATE_LIMIT_MESSAGE, retry_after: err.retryAfterSeconds })
      request.log.warn({ err }, 'v2 chat stream failed before the first chunk')
      return await sendStreamError(STREAM_ERROR_MESSAGE)
    }

    // The hook that writes the session does not run for a hijacked reply: this route owns it.
    session.deferred = true
    reply.hijack()
    const headers: Record<string, string> = {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-service-version': 'v2-new'
    }
    const setCookie = app.sessions.setCookieFor(session)
    if (setCookie != null) headers['set-cookie'] = setCookie
    reply.raw.writeHead(200, headers)

    // The history keeps the raw reply (as /api/chat does); the client sees cleaned text only.
    let full = ''
    let shown = ''
    try {
      for (let next = first; next.done !== true; next = await chunks.next()) {
        const cleaned = bleachClean(next.value)
        full += next.value
        shown += cleaned
        reply.raw.write(event({ content: cleaned }))
      }
      await app.sessions.update(session, (current) => ({
        ...current,
        chat_history: [...storedList(current.chat_history), { human: message, ai: full, timestamp: naiveIsoTimestamp() }]
      }))
      reply.raw.end(event({ done: true, full_content: shown }))
    } catch (err) {
      if (abort.signal.aborted) {
        request.log.info({ chars: full.length }, 'v2 chat client left mid-stream; history unchanged')
        reply.raw.destroy()
        return
      }
      request.log.warn({ err }, 'v2 chat stream failed')
      reply.raw.end(event(err instanceof LlmRateLimitError
        ? { error: RATE_LIMIT_MESSAGE, retry_after: err.retryAfterSeconds }
        : { error: STREAM_ERROR_MESSAGE }))
    } finally {
      reply.raw.off('close', onClose)
    }

    async function sendStreamError (text: string): Promise<void> {
      await reply.code(200)
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-service-version', 'v2-new')
        .send(event({ error: text }))
    }
  })
}
