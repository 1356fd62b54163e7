/**
 * Runs one case against a target over real HTTP: a fresh cookie jar, the steps in order, every
 * response captured whole (status, headers, body bytes) for the diff engine.
 */
import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'
import type { CapturedResponse } from '../../analysis/diff/diff-types.js'
import type { CaseStep, GoldenCase } from './cases-file.js'
import { CookieJar } from './cookie-jar.js'
import { touchedKeys, type SessionProbe } from './session-probe.js'

export const CSRF_TOKEN_PATH = '/api/csrf-token'
const STEP_TIMEOUT_MS = 30_000

export interface StepRun {
  step: CaseStep
  response: CapturedResponse
  /** Session keys this step touched; undefined without a session probe. */
  sessionKeys?: string[]
}

export interface CaseRun {
  steps: StepRun[]
  /** Every session key the case touched, sorted; undefined without a session probe. */
  sessionKeys?: string[]
}

export interface RunOptions {
  probe?: SessionProbe
  dispatcher?: Dispatcher
}

export class TargetUnreachableError extends Error {
  constructor (url: string, cause: unknown) {
    super(`cannot reach ${url}: ${(cause as { code?: string }).code ?? (cause as Error).message}`, { cause })
    this.name = 'TargetUnreachableError'
  }
}

interface Sent { status: number, headers: CapturedResponse['headers'], body: Buffer, latencyMs: number }

async function send (base: string, step: CaseStep, jar: CookieJar, csrfToken: string | undefined, dispatcher?: Dispatcher): Promise<Sent> {
  const headers: Record<string, string> = { ...step.headers }
  const cookie = jar.header()
  if (cookie !== undefined) headers.cookie = cookie
  if (csrfToken !== undefined) headers['x-csrf-token'] = csrfToken
  let body: string | undefined = step.body
  if (step.json !== undefined) {
    body = JSON.stringify(step.json)
    headers['content-type'] = 'application/json'
  }
  const url = new URL(step.path, base)
  const started = performance.now()
  let response
  try {
    response = await request(url, { method: step.method as 'GET', headers, body, dispatcher, headersTimeout: STEP_TIMEOUT_MS, bodyTimeout: STEP_TIMEOUT_MS })
  } catch (err) {
    throw new TargetUnreachableError(url.origin, err)
  }
  const bytes = Buffer.from(await response.body.arrayBuffer())
  jar.store(response.headers['set-cookie'])
  return { status: response.statusCode, headers: response.headers, body: bytes, latencyMs: performance.now() - started }
}

function csrfTokenIn (sent: Sent): string | undefined {
  try {
    const token = (JSON.parse(sent.body.toString('utf8')) as { csrf_token?: unknown }).csrf_token
    return typeof token === 'string' ? token : undefined
  } catch {
    return undefined
  }
}

export async function runCase (baseUrl: string, testCase: GoldenCase, options: RunOptions = {}): Promise<CaseRun> {
  const jar = new CookieJar()
  const { probe, dispatcher } = options
  let csrfToken: string | undefined
  let before = probe === undefined ? undefined : await probe.read(jar)
  const all = new Set<string>()
  const steps: StepRun[] = []
  for (const step of testCase.steps) {
    // The token is fetched like the legacy frontend does, once per session, outside the recorded steps.
    if (step.csrf === true && csrfToken === undefined) {
      csrfToken = csrfTokenIn(await send(baseUrl, { method: 'GET', path: CSRF_TOKEN_PATH }, jar, undefined, dispatcher))
    }
    const sent = await send(baseUrl, step, jar, step.csrf === true ? csrfToken : undefined, dispatcher)
    if (step.path.split('?')[0] === CSRF_TOKEN_PATH) csrfToken = csrfTokenIn(sent) ?? csrfToken
    const run: StepRun = { step, response: { ...sent, truncated: false } }
    if (probe !== undefined && before !== undefined) {
      const after = await probe.read(jar)
      run.sessionKeys = touchedKeys(before, after)
      for (const key of run.sessionKeys) all.add(key)
      before = after
    }
    steps.push(run)
  }
  return probe === undefined ? { steps } : { steps, sessionKeys: [...all].sort() }
}
