/**
 * The session handoff check (issue 19, item 1): proof that a user's session survives being
 * served by new after legacy and by legacy after new, for one feature.
 *
 * Up to `limit` recent real sessions are read from the legacy store (session-sampler.ts; read
 * only, never written). Each is cloned twice under throwaway ids (`handoff-check-<random>`,
 * written with the store, short lifetime). On one clone the feature's scripted turn
 * (handoff-cases.ts) runs on new then on legacy, on the other legacy then new, each request
 * sent straight to the side's upstream with the clone's cookie, made by the cookie codec the
 * gateway routes with (signed when routes.yaml session.signed is on). A clone passes when every
 * answer is < 400 and no turn dropped a top-level key it was handed (so after the second turn
 * every key the first side left is still there) and every list (chat_history, watch_history, scenario_history.<id>, ...) only grew: the
 * entries before a turn are still its first entries, equal, after it. Every clone is deleted
 * afterwards, on failure too. Ids appear only hashed (sha256, 12 hex digits).
 */
import { isDeepStrictEqual } from 'node:util'
import { request } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import type { SessionCookieCodec, SessionData } from '@strangler-gateway/flask-session'
import type { GatewayConfig } from '../../core/config/gateway-config.js'
import { createSessionCookieCodecFor } from '../../data-plane/routing/session-cookie-codec.js'
import { cloneCookie, newCloneId } from '../../data-plane/shadow/session-clone.js'
import { DEFAULT_HANDOFF_CASES, type HandoffCase, type HandoffCases, type HandoffStep } from './handoff-cases.js'
import { CLONE_ID_PREFIX, hashId, openSessionSampler, type SessionSampler } from './session-sampler.js'

export type Side = 'legacy' | 'new'

export const DEFAULT_HANDOFF_SAMPLE = 3
export const MAX_HANDOFF_SAMPLE = 20
export const TURN_TIMEOUT_MS = 30_000

export interface HandoffRequestResult { method: string, path: string, status: number | null }

export interface HandoffTurnResult {
  side: Side
  ok: boolean
  requests: HandoffRequestResult[]
  reason?: string
}

export interface HandoffCloneResult {
  /** Hashed clone id. */
  clone: string
  order: [Side, Side]
  ok: boolean
  turns: HandoffTurnResult[]
  /** Every failed condition; empty when ok. */
  reasons: string[]
}

export interface HandoffSessionResult {
  /** Hashed id of the real session (of its file name for the filesystem store). */
  session: string
  ok: boolean
  clones: HandoffCloneResult[]
}

export type HandoffStatus = 'pass' | 'fail' | 'no_sessions' | 'unsupported' | 'unavailable'

export interface HandoffResult {
  feature: string
  /** True only when at least one session was sampled and every clone passed. */
  ok: boolean
  status: HandoffStatus
  reason: string
  store: { type: 'filesystem' | 'redis', listing: 'files' | 'scan' } | null
  limit: number
  sessions: HandoffSessionResult[]
  cleanup: { clones: number, deleted: number, failed: number }
  at: string
  durationMs: number
}

export interface HandoffCheckOptions {
  config: GatewayConfig
  env: NodeJS.ProcessEnv
  feature: string
  limit?: number
  cases?: HandoffCases
  log?: FastifyBaseLogger
  /** For tests: the sampler to use instead of the one routes.yaml session.store describes. */
  sampler?: SessionSampler
  timeoutMs?: number
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** Every list in the session, by dotted path, looking through dicts (not into lists). */
export function historyLists (data: unknown, prefix = ''): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>()
  if (!isObject(data)) return out
  for (const [key, value] of Object.entries(data)) {
    const at = prefix === '' ? key : `${prefix}.${key}`
    if (Array.isArray(value)) out.set(at, value)
    else if (isObject(value)) for (const [p, list] of historyLists(value, at)) out.set(p, list)
  }
  return out
}

/** Why `after` is not `before` with entries appended, per list; empty when every list only grew. */
export function historyProblems (before: SessionData, after: SessionData, side: Side): string[] {
  const afterLists = historyLists(after)
  const problems: string[] = []
  for (const [at, list] of historyLists(before)) {
    const next = afterLists.get(at)
    if (next === undefined) { problems.push(`${side} removed the list ${at} (${list.length} entries)`); continue }
    if (next.length < list.length) { problems.push(`${side} shrank ${at} from ${list.length} to ${next.length} entries`); continue }
    const changed = list.findIndex((entry, i) => !isDeepStrictEqual(entry, next[i]))
    if (changed !== -1) problems.push(`${side} rewrote ${at}[${changed}] instead of appending`)
  }
  return problems
}

/** Top-level keys of `before` missing from `after`. */
export function lostKeys (before: SessionData, after: SessionData): string[] {
  return Object.keys(before).filter((key) => !Object.hasOwn(after, key))
}

async function send (base: string, step: HandoffStep, cookie: string, csrf: string | undefined, timeoutMs: number): Promise<number> {
  const headers: Record<string, string> = { ...step.headers, cookie }
  let body: string | undefined
  if (step.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(step.json) }
  if (step.body !== undefined) body = step.body
  if (csrf !== undefined) headers['x-csrf-token'] = csrf
  const response = await request(new URL(step.path, base), { method: step.method as 'GET', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  await response.body.dump()
  return response.statusCode
}

async function csrfToken (base: string, session: SessionData | null, cookie: string, timeoutMs: number): Promise<string | undefined> {
  if (typeof session?.csrf_token === 'string') return session.csrf_token
  const response = await request(new URL('/api/csrf-token', base), { headers: { cookie }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  const json = await response.body.json().catch(() => null) as { csrf_token?: unknown } | null
  return typeof json?.csrf_token === 'string' ? json.csrf_token : undefined
}

async function runTurn (side: Side, base: string, turn: HandoffStep[], cookie: string, load: () => Promise<SessionData | null>, timeoutMs: number): Promise<HandoffTurnResult> {
  const result: HandoffTurnResult = { side, ok: true, requests: [] }
  for (const step of turn) {
    let status: number | null = null
    try {
      const csrf = step.csrf === true ? await csrfToken(base, await load(), cookie, timeoutMs) : undefined
      status = await send(base, step, cookie, csrf, timeoutMs)
    } catch (err) {
      result.requests.push({ method: step.method, path: step.path, status })
      return { ...result, ok: false, reason: `${side}: ${step.method} ${step.path} failed: ${(err as Error).message}` }
    }
    result.requests.push({ method: step.method, path: step.path, status })
    if (status >= 400) return { ...result, ok: false, reason: `${side}: ${step.method} ${step.path} answered ${status}` }
  }
  return result
}

interface CloneRun {
  sampler: SessionSampler
  codec: SessionCookieCodec
  cookieName: string
  bases: Record<Side, string>
  turn: HandoffStep[]
  timeoutMs: number
  log?: FastifyBaseLogger
  cleanup: HandoffResult['cleanup']
}

async function runClone (run: CloneRun, feature: string, data: SessionData, order: [Side, Side]): Promise<HandoffCloneResult> {
  const sid = newCloneId(CLONE_ID_PREFIX)
  const label = hashId(sid)
  const result: HandoffCloneResult = { clone: label, order, ok: false, turns: [], reasons: [] }
  const { store } = run.sampler
  const load = async (): Promise<SessionData | null> => await store.load(sid)
  const cookie = cloneCookie(run.cookieName, run.codec, sid)
  run.cleanup.clones++
  try {
    await store.save(sid, data)
    const start = await load()
    if (start === null) throw new Error('the clone could not be read back from the store')
    const seen: SessionData[] = [start]
    for (const side of order) {
      const turn = await runTurn(side, run.bases[side], run.turn, cookie, load, run.timeoutMs)
      result.turns.push(turn)
      if (!turn.ok) { result.reasons.push(turn.reason as string); break }
      const after = await load()
      if (after === null) { result.reasons.push(`${side} left no session`); break }
      const before = seen[seen.length - 1]
      const gone = lostKeys(before, after)
      if (gone.length > 0) result.reasons.push(`${side} dropped ${gone.join(', ')}, left by ${seen.length === 1 ? 'the session' : order[0]}`)
      result.reasons.push(...historyProblems(before, after, side))
      seen.push(after)
    }
    result.ok = result.reasons.length === 0 && seen.length === 3
  } catch (err) {
    result.reasons.push(`the clone failed: ${(err as Error).message}`)
  } finally {
    try {
      await store.delete(sid)
      run.cleanup.deleted++
    } catch (err) {
      run.cleanup.failed++
      result.ok = false
      result.reasons.push(`the clone could not be deleted: ${(err as Error).message}`)
    }
  }
  run.log?.info({ feature, clone: label, order, ok: result.ok, reasons: result.reasons }, 'handoff check clone')
  return result
}

export async function runHandoffCheck (options: HandoffCheckOptions): Promise<HandoffResult> {
  const started = Date.now()
  const { config, feature } = options
  const limit = Math.max(1, Math.min(MAX_HANDOFF_SAMPLE, options.limit ?? DEFAULT_HANDOFF_SAMPLE))
  const result: HandoffResult = {
    feature,
    ok: false,
    status: 'fail',
    reason: '',
    store: null,
    limit,
    sessions: [],
    cleanup: { clones: 0, deleted: 0, failed: 0 },
    at: new Date(started).toISOString(),
    durationMs: 0
  }
  const finish = (status: HandoffStatus, reason: string): HandoffResult => {
    Object.assign(result, { status, reason, ok: status === 'pass', durationMs: Date.now() - started })
    options.log?.info({ feature, status, reason, sessions: result.sessions.length, cleanup: result.cleanup }, 'handoff check')
    return result
  }
  const handoffCase: HandoffCase | undefined = (options.cases ?? DEFAULT_HANDOFF_CASES)[feature]
  if (handoffCase === undefined) return finish('unsupported', `no handoff case for feature ${feature}`)
  let codec: SessionCookieCodec
  try {
    codec = createSessionCookieCodecFor(config.session, options.env)
  } catch (err) {
    return finish('unavailable', (err as Error).message)
  }
  const sampler = options.sampler ?? openSessionSampler(config.session.store, options.env)
  result.store = { type: sampler.type, listing: sampler.listing }
  try {
    let sampled
    try {
      sampled = await sampler.sample(limit, (data) => isObject(data) && handoffCase.requires.every((key) => Object.hasOwn(data, key)))
    } catch (err) {
      return finish('unavailable', `the legacy session store (${sampler.type}) could not be listed: ${(err as Error).message}`)
    }
    if (sampled.length === 0) {
      const needs = handoffCase.requires.length === 0 ? '' : ` with ${handoffCase.requires.join(', ')}`
      return finish('no_sessions', `no session${needs} in the legacy store to hand off`)
    }
    const run: CloneRun = {
      sampler,
      codec,
      cookieName: config.session.cookie,
      turn: handoffCase.turn,
      timeoutMs: options.timeoutMs ?? TURN_TIMEOUT_MS,
      log: options.log,
      bases: { legacy: config.upstreams.legacy.url, new: config.upstreams.new.url },
      cleanup: result.cleanup
    }
    for (const session of sampled) {
      const clones = [
        await runClone(run, feature, session.data, ['new', 'legacy']),
        await runClone(run, feature, session.data, ['legacy', 'new'])
      ]
      result.sessions.push({ session: session.label, ok: clones.every((c) => c.ok), clones })
    }
  } finally {
    if (options.sampler === undefined) await sampler.close().catch(() => {})
  }
  const failed = result.sessions.flatMap((s) => s.clones.filter((c) => !c.ok).map((c) => `session ${s.session} ${c.order.join(' then ')}: ${c.reasons.join('; ')}`))
  return failed.length === 0
    ? finish('pass', `${result.sessions.length} session(s) handed off both ways`)
    : finish('fail', failed.join(' | '))
}
