/**
 * The routing decision (match, flag, canary) on real inputs: a route table compiled from an
 * inline routes.yaml, the in-memory override store, environment flags as readEnvFlags parses
 * them and the session id reader the gateway builds from routes.yaml's `session`.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { createSessionCookieCodec } from '@strangler-gateway/flask-session'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import type { GatewayConfig } from '../../../../gateway/core/config/gateway-config.js'
import { createMemoryOverrideStore, type OverrideStore } from '../../../../gateway/data-plane/overrides/override-store.js'
import { canaryBucket } from '../../../../gateway/data-plane/routing/canary.js'
import { decide, type DecideContext } from '../../../../gateway/data-plane/routing/decide.js'
import { effectiveFlag, readEnvFlags } from '../../../../gateway/data-plane/routing/effective-flag.js'
import { compileRouteTable } from '../../../../gateway/data-plane/routing/route-table.js'
import { createSessionCookieCodecFor } from '../../../../gateway/data-plane/routing/session-cookie-codec.js'
import { createSessionIdReader } from '../../../../gateway/data-plane/routing/session-id.js'
import { routesYaml } from '../../../helpers/gateway.js'

const FEATURES = {
  chat: { enabled: true, canary: 100 },
  scenario: { enabled: false, canary: 100 },
  watch: { enabled: true, canary: 10 },
  zero: { enabled: true, canary: 0 },
  // A feature no operator has turned on: its routes stay on legacy.
  legacyonly: {}
}

const ROUTES = [
  { path: '/api/chat', methods: ['POST'], feature: 'chat' },
  { path: '/api/scenario/:id/category', methods: ['GET'], feature: 'scenario' },
  { path: '/api/watch/*', feature: 'watch' },
  { path: '/api/zero', feature: 'zero' },
  { path: '/api/old', feature: 'legacyonly' }
]

function configFor (extra: Record<string, unknown> = {}): GatewayConfig {
  return parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:1', new: 'http://127.0.0.1:2', features: FEATURES, routes: ROUTES, ...extra }))
}

function contextFor (
  config: GatewayConfig,
  { overrides = createMemoryOverrideStore(), env = {} }: { overrides?: OverrideStore, env?: NodeJS.ProcessEnv } = {}
): DecideContext {
  const table = compileRouteTable(config)
  const { flags } = readEnvFlags(env, Object.keys(config.features))
  const codec = createSessionCookieCodecFor(config.session, env)
  return { table, overrides, envFlags: flags, readSessionId: createSessionIdReader(config.session.cookie, codec) }
}

/** Python's int(md5(sid).hexdigest(), 16) % 100, computed here with a BigInt, independently of canary.ts. */
function pythonBucket (sid: string): number {
  return Number(BigInt('0x' + createHash('md5').update(sid, 'utf8').digest('hex')) % 100n)
}

/** A session id of the given bucket, found by counting up: deterministic across runs. */
function sidInBucket (bucket: number): string {
  for (let i = 0; ; i++) {
    const sid = `sid-${i}`
    if (pythonBucket(sid) === bucket) return sid
  }
}

const config = configFor()

t.test('unknown paths and methods a route does not list go to legacy as unmatched', async (t) => {
  const ctx = contextFor(config)
  for (const [method, path] of [['GET', '/'], ['GET', '/nope'], ['POST', '/api/chatter'], ['GET', '/api/chat'], ['GET', '/api/watcher']]) {
    const d = decide(ctx, method, path, 'session=abc')
    t.same(d, { route: undefined, target: 'legacy', reason: 'unmatched', sessionId: undefined, bucket: -1 }, `${method} ${path}`)
  }
})

t.test('the decision carries the matched route: exact, parameter and wildcard paths', async (t) => {
  const ctx = contextFor(config)
  const chat = decide(ctx, 'POST', '/api/chat', undefined)
  t.equal(chat.route?.template, '/api/chat')
  t.equal(chat.route?.feature, 'chat')
  t.equal(chat.route?.index, 0)
  t.equal(decide(ctx, 'POST', '/api/chat/', undefined).route?.template, '/api/chat', 'a trailing slash still matches')
  t.equal(decide(ctx, 'GET', '/api/scenario/s1/category', undefined).route?.template, '/api/scenario/:id/category')
  t.equal(decide(ctx, 'HEAD', '/api/scenario/s1/category', undefined).route?.feature, 'scenario', 'HEAD follows GET')
  t.equal(decide(ctx, 'DELETE', '/api/watch/a/b', undefined).route?.template, '/api/watch/*', 'a route without methods takes every method')
})

t.test('flag off: legacy, without reading the cookie', async (t) => {
  let reads = 0
  const base = contextFor(config)
  const ctx: DecideContext = { ...base, readSessionId: (header) => { reads++; return base.readSessionId(header) } }
  const scenario = decide(ctx, 'GET', '/api/scenario/s1/category', `session=${sidInBucket(0)}`)
  t.match(scenario, { target: 'legacy', reason: 'flag-off', sessionId: undefined, bucket: -1 })
  t.equal(scenario.route?.feature, 'scenario', 'the route is still reported')
  t.equal(reads, 0, 'a flag-off decision does not read the session')
})

t.test('a feature never turned on (legacy-only) routes to legacy whatever the session', async (t) => {
  const ctx = contextFor(config)
  for (const cookie of [undefined, 'session=abc', `session=${sidInBucket(0)}`]) {
    t.match(decide(ctx, 'GET', '/api/old', cookie), { target: 'legacy', reason: 'flag-off', route: { feature: 'legacyonly' } })
  }
})

t.test('flag on at canary 100: new for everyone, with or without a session', async (t) => {
  const ctx = contextFor(config)
  t.match(decide(ctx, 'POST', '/api/chat', undefined), { target: 'new', reason: 'canary-full', sessionId: undefined, bucket: -1 })
  t.match(decide(ctx, 'POST', '/api/chat', 'session=!!bad!!'), { target: 'new', reason: 'canary-full' })
})

t.test('canary step: the session hash picks the side, at the bucket boundary', async (t) => {
  const ctx = contextFor(config) // watch: enabled, canary 10
  const low = sidInBucket(0)
  const edgeIn = sidInBucket(9)
  const edgeOut = sidInBucket(10)
  const high = sidInBucket(99)
  t.same(decide(ctx, 'GET', '/api/watch/x', `session=${low}`), { route: ctx.table.match('GET', '/api/watch/x'), target: 'new', reason: 'canary-in', sessionId: low, bucket: 0 })
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${edgeIn}`), { target: 'new', reason: 'canary-in', sessionId: edgeIn, bucket: 9 })
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${edgeOut}`), { target: 'legacy', reason: 'canary-out', sessionId: edgeOut, bucket: 10 })
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${high}`), { target: 'legacy', reason: 'canary-out', sessionId: high, bucket: 99 })
})

t.test('the bucket is Python\'s md5 % 100 of the session id, and stable', async (t) => {
  const ctx = contextFor(config)
  for (const sid of ['a', 'f3b1c2d4-1234-4abc-9def-0123456789ab', 'session_42', 'x:y:z']) {
    const first = decide(ctx, 'GET', '/api/watch/x', `other=1; session=${sid}`)
    t.equal(first.sessionId, sid, `${sid}: the session cookie is found among others`)
    t.equal(first.bucket, pythonBucket(sid), `${sid}: bucket ${pythonBucket(sid)}`)
    t.equal(first.bucket, canaryBucket(sid))
    t.same(decide(ctx, 'GET', '/api/watch/x', `session=${sid}`), first, `${sid}: the same decision again`)
  }
})

t.test('canary step without a valid session: legacy, reason no-session', async (t) => {
  const ctx = contextFor(config)
  const cases: Array<[string, string | string[] | undefined]> = [
    ['no cookie header', undefined],
    ['other cookies only', 'theme=dark; lang=en'],
    ['empty session cookie', 'session='],
    ['implausible id', 'session=a%20b'],
    ['oversized id', `session=${'a'.repeat(600)}`]
  ]
  for (const [name, cookie] of cases) {
    t.same(decide(ctx, 'GET', '/api/watch/x', cookie), {
      route: ctx.table.match('GET', '/api/watch/x'), target: 'legacy', reason: 'no-session', sessionId: null, bucket: -1
    }, name)
  }
})

t.test('flag on at canary 0: a session is hashed but nobody reaches new', async (t) => {
  const ctx = contextFor(config)
  const sid = sidInBucket(0)
  t.match(decide(ctx, 'GET', '/api/zero', `session=${sid}`), { target: 'legacy', reason: 'canary-out', sessionId: sid, bucket: 0 })
  t.match(decide(ctx, 'GET', '/api/zero', undefined), { target: 'legacy', reason: 'no-session' })
})

t.test('admin override outranks routes.yaml, for the flag and the canary', async (t) => {
  const overrides = createMemoryOverrideStore()
  const ctx = contextFor(config, { overrides })
  const feature = config.features.scenario // yaml: off, canary 100

  t.match(effectiveFlag('scenario', feature, overrides, ctx.envFlags), { enabled: false, canary: 100, source: { enabled: 'yaml', canary: 'yaml' } })
  await overrides.set('scenario', { enabled: true })
  t.match(effectiveFlag('scenario', feature, overrides, ctx.envFlags), { enabled: true, canary: 100, source: { enabled: 'admin', canary: 'yaml' } })
  t.match(decide(ctx, 'GET', '/api/scenario/s1/category', undefined), { target: 'new', reason: 'canary-full' }, 'admin on + yaml canary 100')

  await overrides.set('scenario', { enabled: true, canary: 50 })
  t.match(effectiveFlag('scenario', feature, overrides, ctx.envFlags), { enabled: true, canary: 50, source: { enabled: 'admin', canary: 'admin' } })
  t.match(decide(ctx, 'GET', '/api/scenario/s1/category', `session=${sidInBucket(49)}`), { target: 'new', reason: 'canary-in', bucket: 49 })
  t.match(decide(ctx, 'GET', '/api/scenario/s1/category', `session=${sidInBucket(50)}`), { target: 'legacy', reason: 'canary-out', bucket: 50 })

  await overrides.set('chat', { enabled: false, canary: 0 })
  t.match(decide(ctx, 'POST', '/api/chat', undefined), { target: 'legacy', reason: 'flag-off' }, 'an admin rollback turns a yaml-on feature off')
  await overrides.set('chat', undefined)
  t.match(decide(ctx, 'POST', '/api/chat', undefined), { target: 'new', reason: 'canary-full' }, 'removing the override restores routes.yaml')
})

t.test('USE_NEW_<FEATURE> outranks the admin override and routes.yaml for the flag, not the canary', async (t) => {
  const overrides = createMemoryOverrideStore()
  await overrides.set('chat', { enabled: true, canary: 100 })
  await overrides.set('scenario', { enabled: false, canary: 30 })
  const ctx = contextFor(config, { overrides, env: { USE_NEW_CHAT: 'false', USE_NEW_SCENARIO: 'TRUE', USE_NEW_WATCH: 'maybe' } })

  t.match(effectiveFlag('chat', config.features.chat, overrides, ctx.envFlags), { enabled: false, source: { enabled: 'env', canary: 'admin' } })
  t.match(decide(ctx, 'POST', '/api/chat', undefined), { target: 'legacy', reason: 'flag-off' }, 'env off beats admin on and yaml on')

  t.match(effectiveFlag('scenario', config.features.scenario, overrides, ctx.envFlags), { enabled: true, canary: 30, source: { enabled: 'env', canary: 'admin' } })
  t.match(decide(ctx, 'GET', '/api/scenario/s1/category', `session=${sidInBucket(29)}`), { target: 'new', reason: 'canary-in' }, 'env on; the admin canary still applies')
  t.match(decide(ctx, 'GET', '/api/scenario/s1/category', `session=${sidInBucket(30)}`), { target: 'legacy', reason: 'canary-out' })

  t.match(effectiveFlag('watch', config.features.watch, overrides, ctx.envFlags), { enabled: true, canary: 10, source: { enabled: 'yaml', canary: 'yaml' } }, 'an unparsable env value is ignored')
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${sidInBucket(5)}`), { target: 'new', reason: 'canary-in' })
})

t.test('signed cookies: only a correctly signed session id steers the canary', async (t) => {
  const env = { FLASK_SECRET_KEY: 'test-secret' }
  const signedConfig = configFor({ session: { signed: true } })
  const ctx = contextFor(signedConfig, { env })
  const codec = createSessionCookieCodec({ signed: true, secret: env.FLASK_SECRET_KEY })
  const sid = sidInBucket(3)
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${codec.serialize(sid)}`), { target: 'new', reason: 'canary-in', sessionId: sid, bucket: 3 })
  const forged = createSessionCookieCodec({ signed: true, secret: 'other-secret' }).serialize(sid)
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${forged}`), { target: 'legacy', reason: 'no-session', sessionId: null })
  t.match(decide(ctx, 'GET', '/api/watch/x', `session=${sid}`), { target: 'legacy', reason: 'no-session' }, 'an unsigned id is refused')
})

t.test('the first route in file order decides the feature', async (t) => {
  // Same path, the first route in file order wins, and its feature decides.
  const reordered = parseRoutesConfig(routesYaml({
    legacy: 'http://127.0.0.1:1',
    new: 'http://127.0.0.1:2',
    features: { on: { enabled: true, canary: 100 }, off: {} },
    routes: [{ path: '/api/x', feature: 'off' }, { path: '/api/*', feature: 'on' }]
  }))
  const ctx = contextFor(reordered)
  t.match(decide(ctx, 'GET', '/api/x', undefined), { target: 'legacy', reason: 'flag-off', route: { feature: 'off' } })
  t.match(decide(ctx, 'GET', '/api/y', undefined), { target: 'new', reason: 'canary-full', route: { feature: 'on' } })
})
