/**
 * The whole stack for stateful-shadow tests: the legacy stand-in and the new services sharing one
 * Flask-Session directory, and the gateway in front, shadowing the chat feature statefully with a
 * snapshot store the test passes (memory or Redis) to both gateway and new services.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { request } from 'undici'
import { buildGateway, type GatewayOptions } from '../../../../gateway/data-plane/build-gateway.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import type { SnapshotStore } from '@strangler-gateway/flask-session'
import { createFileSystemSessionStore } from '../../../../legacy-adapter/session/filesystem-store.js'
import type { SessionStore } from '../../../../legacy-adapter/session/session-types.js'
import { buildLegacyStandIn } from '../../../../legacy-adapter/stand-in/app.js'
import { createOfflineLlm } from '../../../../legacy-adapter/stand-in/offline-llm.js'
import type { LlmService } from '../../../../new-services/llm/llm-service.js'
import { buildNewServices } from '../../../../new-services/app.js'
import type { ShadowSnapshotOptions } from '../../../../new-services/session/shadow-snapshot.js'
import { routesYaml } from '../../../helpers/gateway.js'

export const CHAT_IGNORE_PATHS = ['timestamp', 'chat_history[].timestamp', 'chat_settings.start_time']
export const CSRF_TOKEN = '0123456789abcdef0123456789abcdef'

const LEGACY_ROLES = { system: 'system', user: 'human', assistant: 'ai' } as const

/** The stand-in's model behind the new services too: one deterministic model, so where the services agree their answers and histories are equal. */
export function standInModel (): LlmService {
  const model = createOfflineLlm()
  const complete: LlmService['complete'] = async (name, messages) =>
    await model.invoke(name, messages.map((m) => ({ role: LEGACY_ROLES[m.role], content: m.content })))
  return {
    providerFor: () => 'offline',
    complete,
    async * stream (name, messages) { yield await complete(name, messages) }
  }
}

export interface StackOptions {
  /** Shadow the chat feature statefully (sample 100); false: no shadow at all. */
  shadow: 'stateful' | 'stateless' | false
  /** The gateway's snapshot store; absent: the gateway's own (Redis when gateway.redis is set). */
  snapshots?: SnapshotStore
  /** What the new services get as their snapshot store (default: the same). */
  newSnapshots?: ShadowSnapshotOptions['store']
  gateway?: Partial<GatewayOptions>
  diffStore?: Record<string, unknown>
  shadowBudget?: Record<string, unknown>
}

export interface Stack {
  gateway: FastifyInstance
  url: string
  dir: string
  /** Saves and updates the new services made to the real session store. */
  newServicesWrites: () => number
}

export async function startStack (t: Test, options: StackOptions): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stateful-shadow-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const legacy = await buildLegacyStandIn({ sessionMode: 'filesystem', sessionDir: dir })
  t.teardown(async () => await legacy.close())
  const real = createFileSystemSessionStore({ dir })
  t.teardown(async () => await real.close())
  let writes = 0
  const counted: SessionStore = {
    ...real,
    save: async (sid, data) => { writes++; await real.save(sid, data) },
    update: async (sid, change) => { writes++; return await real.update(sid, change) }
  }
  const next = await buildNewServices({
    env: {},
    llm: standInModel(),
    session: { mode: 'filesystem', dir },
    sessionStore: counted,
    shadowSnapshots: { store: options.newSnapshots ?? options.snapshots as SnapshotStore }
  })
  t.teardown(async () => await next.close())
  const yaml = routesYaml({
    legacy: await legacy.listen({ host: '127.0.0.1', port: 0 }),
    new: await next.listen({ host: '127.0.0.1', port: 0 }),
    session: { store: { type: 'filesystem', dir } },
    ...(options.diffStore === undefined ? {} : { diffStore: options.diffStore }),
    // A loaded test machine must not turn a slow snapshot read into a skipped comparison.
    shadow: { snapshotReadTimeoutMs: 5_000, ...options.shadowBudget },
    features: {
      chat: {
        shadow: options.shadow === false ? { sample: 0 } : { sample: 100, mode: options.shadow },
        compare: { mode: 'exact', ignorePaths: CHAT_IGNORE_PATHS }
      }
    },
    routes: [
      { path: '/api/start_chat', methods: ['POST'], feature: 'chat', shadowSafe: options.shadow === 'stateless' },
      { path: '/api/chat', methods: ['POST'], feature: 'chat', shadowSafe: options.shadow === 'stateless' }
    ]
  })
  const gateway = await buildGateway({ config: parseRoutesConfig(yaml), env: {}, ...(options.snapshots === undefined ? {} : { snapshotStore: options.snapshots }), ...options.gateway })
  t.teardown(async () => await gateway.close())
  return { gateway, url: await gateway.listen({ host: '127.0.0.1', port: 0 }), dir, newServicesWrites: () => writes }
}

/** A session that exists before the conversation, with a fixed CSRF token, so two runs can match byte for byte. */
export async function seedSession (dir: string, sid: string): Promise<void> {
  const store = createFileSystemSessionStore({ dir })
  await store.save(sid, { _permanent: true, csrf_token: CSRF_TOKEN, csrf_token_time: 1_764_115_200.5 })
  await store.close()
}

export async function post (url: string, sid: string, body: unknown): Promise<{ status: number, json: unknown }> {
  const response = await request(url, {
    method: 'POST',
    headers: { cookie: `session=${sid}`, 'x-csrf-token': CSRF_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: response.statusCode, json: await response.body.json() }
}

/** start_chat and three turns, each answered before the next is sent. */
export const CONVERSATION: Array<[string, unknown]> = [
  ['/api/start_chat', { partner_type: 'senior', situation: 'lunch', topic: 'food' }],
  ['/api/chat', { message: 'お昼は何にしますか' }],
  ['/api/chat', { message: '  カレーが いいですね  ' }],
  ['/api/chat', { message: '午後の会議の準備はできていますか' }]
]
