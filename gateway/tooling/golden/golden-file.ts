/**
 * The golden file: the cases as they were run plus what the target answered, as JSON. It is
 * self-contained, so `golden verify` needs only it and a target. Bodies are kept as UTF-8 text
 * when they are valid UTF-8, else base64; Set-Cookie and Date are not kept (session ids, time).
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { CapturedResponse } from '../../analysis/diff/diff-types.js'
import type { CaseStep, GoldenCase } from './cases-file.js'
import type { CaseRun } from './run-case.js'

export const GOLDEN_FORMAT = 'strangler-gateway golden 1'
const DROPPED_HEADERS = new Set(['set-cookie', 'date', 'connection', 'keep-alive'])

export interface StoredResponse {
  status: number
  headers: Record<string, string | string[]>
  body: string
  bodyEncoding: 'utf8' | 'base64'
  latencyMs: number
}

export interface GoldenStep {
  request: CaseStep
  response: StoredResponse
  sessionKeys?: string[]
}

export interface GoldenCaseRecord {
  name: string
  description?: string
  compare?: GoldenCase['compare']
  source?: GoldenCase['source']
  steps: GoldenStep[]
  sessionKeys?: string[]
}

export interface GoldenFile {
  format: typeof GOLDEN_FORMAT
  recordedAt: string
  target: string
  /** Where session keys were read from; null when they were not recorded. */
  sessions: string | null
  ignorePaths: string[]
  cases: GoldenCaseRecord[]
  /** Cases the cases file marked skip, with the reason. */
  skipped: Array<{ name: string, reason: string }>
}

export class GoldenFileError extends Error {
  constructor (file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'GoldenFileError'
  }
}

export function storeResponse (response: CapturedResponse): StoredResponse {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined && !DROPPED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value
  }
  const text = response.body.toString('utf8')
  const utf8 = Buffer.from(text, 'utf8').equals(response.body)
  return {
    status: response.status,
    headers,
    body: utf8 ? text : response.body.toString('base64'),
    bodyEncoding: utf8 ? 'utf8' : 'base64',
    latencyMs: Math.round(response.latencyMs * 10) / 10
  }
}

export function loadResponse (stored: StoredResponse): CapturedResponse {
  return {
    status: stored.status,
    headers: stored.headers,
    body: Buffer.from(stored.body, stored.bodyEncoding === 'base64' ? 'base64' : 'utf8'),
    truncated: false,
    latencyMs: stored.latencyMs
  }
}

export function goldenCaseRecord (testCase: GoldenCase, run: CaseRun): GoldenCaseRecord {
  const steps = run.steps.map((s) => {
    const step: GoldenStep = { request: s.step, response: storeResponse(s.response) }
    if (s.sessionKeys !== undefined) step.sessionKeys = s.sessionKeys
    return step
  })
  const record: GoldenCaseRecord = { name: testCase.name, steps }
  if (testCase.description !== undefined) record.description = testCase.description
  if (testCase.compare !== undefined) record.compare = testCase.compare
  if (testCase.source !== undefined) record.source = testCase.source
  if (run.sessionKeys !== undefined) record.sessionKeys = run.sessionKeys
  return record
}

/** The cases as the runner takes them, back out of a golden file. */
export function casesOf (golden: GoldenFile): GoldenCase[] {
  return golden.cases.map((c) => ({ name: c.name, compare: c.compare, steps: c.steps.map((s) => s.request) }))
}

export async function writeGoldenFile (file: string, golden: GoldenFile): Promise<void> {
  await writeFile(file, `${JSON.stringify(golden, null, 2)}\n`)
}

export async function readGoldenFile (file: string): Promise<GoldenFile> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new GoldenFileError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON: ${(err as Error).message}`)
  }
  const golden = parsed as Partial<GoldenFile>
  if (golden?.format !== GOLDEN_FORMAT) throw new GoldenFileError(file, `not a golden file (format must be "${GOLDEN_FORMAT}")`)
  if (!Array.isArray(golden.cases)) throw new GoldenFileError(file, 'cases must be a list')
  golden.cases.forEach((c, i) => {
    if (typeof c?.name !== 'string' || !Array.isArray(c.steps) || c.steps.some((s) => typeof s?.request?.path !== 'string' || typeof s?.response?.status !== 'number')) {
      throw new GoldenFileError(file, `cases[${i}]${typeof c?.name === 'string' ? ` ("${c.name}")` : ''}: each step needs request.path and response.status`)
    }
  })
  return { ...golden, ignorePaths: golden.ignorePaths ?? [], skipped: golden.skipped ?? [] } as GoldenFile
}
