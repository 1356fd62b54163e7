/**
 * The snapshot store over HTTP, for new services that share no Redis with the gateway (the
 * embedded default keeps snapshots in the gateway's memory): `GET <prefix>/:key` reads a
 * snapshot, `PUT <prefix>/:key:result` stores the new service's resulting session. Loopback
 * callers only, and only while snapshots are in memory (with Redis the new services read Redis);
 * a result is accepted only for a snapshot that exists, within the body cap, and
 * lives no longer than shadow.snapshotTtlMs. Keys carry 96 random bits, so they cannot be guessed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isLoopbackAddress } from '../../core/loopback.js'
import type { ConfigHolder } from '../config-holder.js'
import { isSnapshotKey, SNAPSHOT_TTL_HEADER } from '@strangler-gateway/flask-session'
import type { StatefulShadows } from './stateful-shadow.js'

export const SNAPSHOT_ROUTES_PREFIX = '/_gateway/shadow-snapshots'
const RESULT_SUFFIX = ':result'

export interface SnapshotRoutesOptions {
  holder: ConfigHolder
  stateful: StatefulShadows
}

export async function snapshotRoutes (app: FastifyInstance, { holder, stateful }: SnapshotRoutesOptions): Promise<void> {
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: holder.current().config.shadow.responseBodyBytes },
    (_request, body, done) => { done(null, body) })
  // Anyone else sees no such route.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!stateful.servesSnapshots || !isLoopbackAddress(request.socket.remoteAddress)) return await reply.code(404).send()
  })

  app.get<{ Params: { key: string } }>(`${SNAPSHOT_ROUTES_PREFIX}/:key`, async (request, reply) => {
    const { key } = request.params
    const value = isSnapshotKey(key) ? await stateful.snapshots().get(key) : null
    if (value === null) return await reply.code(404).send()
    return await reply.type('application/octet-stream').send(value)
  })

  app.put<{ Params: { key: string }, Body: Buffer }>(`${SNAPSHOT_ROUTES_PREFIX}/:key`, async (request, reply) => {
    const { key } = request.params
    const snapshotKey = key.slice(0, -RESULT_SUFFIX.length)
    if (!key.endsWith(RESULT_SUFFIX) || !isSnapshotKey(snapshotKey) || !Buffer.isBuffer(request.body)) return await reply.code(400).send()
    const store = stateful.snapshots()
    if (await store.get(snapshotKey) === null) return await reply.code(404).send()
    const longest = holder.current().config.shadow.snapshotTtlMs
    const asked = Number(request.headers[SNAPSHOT_TTL_HEADER])
    await store.put(key, request.body, Number.isInteger(asked) && asked > 0 ? Math.min(asked, longest) : longest)
    return await reply.code(204).send()
  })
}
