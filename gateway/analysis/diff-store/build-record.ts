import { createHash, randomBytes } from 'node:crypto'
import { redactDifferences } from '../diff/redact.js'
import type { RedactOptions } from '../diff/redact.js'
import type { ExchangeResult } from '../diff/diff-types.js'
import { fieldKey } from './field-key.js'
import type { DiffRecord } from './diff-store-types.js'

export const DEFAULT_MAX_DIFFERENCES_PER_RECORD = 50

/** 64 bits of SHA-256: enough to follow one user's exchanges, useless for finding their session. */
export function hashSessionId (sessionId: string, salt = ''): string {
  return createHash('sha256').update(salt).update(sessionId).digest('hex').slice(0, 16)
}

/** `/api/x?page=2&q=secret` -> `/api/x?page=&q=`: parameter names say what was asked, values may be private. */
export function stripQueryValues (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const names = url.slice(q + 1).split('&').filter((p) => p !== '').map((p) => `${p.split('=')[0]}=`)
  return names.length === 0 ? url.slice(0, q) : `${url.slice(0, q)}?${names.join('&')}`
}

let sequence = 0
/** Tells this process's ids from another gateway's writing to the same store. */
const PROCESS_TAG = randomBytes(4).toString('hex')

/** Ids sort like the records' times (then the order this process wrote them), so paging is stable. */
export function createRecordId (now = Date.now()): string {
  sequence = (sequence + 1) % 1_679_616
  return `${now.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${PROCESS_TAG}`
}

export interface RecordInput {
  feature: string
  route: string
  method: string
  /** The request URL as received (path and query). */
  url: string
  /** The raw session id, hashed here; null or undefined without a session. */
  sessionId?: string | null
  /** The side that served the user (the comparison's reference); unset: legacy. */
  primary?: 'legacy' | 'new'
  /** null when legacy's copy (the live stage) gave no response. */
  legacy: { status: number, latencyMs: number } | null
  /** null when the candidate gave no response. */
  candidate: { status: number, latencyMs: number } | null
  result: ExchangeResult
  time?: Date
  sessionHashSalt?: string
  maxDifferences?: number
  redact?: RedactOptions
}

const sideOf = (side: { status: number, latencyMs: number } | null): DiffRecord['legacy'] =>
  side === null ? { status: 0, latencyMs: 0 } : { status: side.status, latencyMs: Math.round(side.latencyMs) }

/** Turns one compared exchange into a record that is safe to store and show. */
export function buildDiffRecord (input: RecordInput): DiffRecord {
  const { result } = input
  const max = input.maxDifferences ?? DEFAULT_MAX_DIFFERENCES_PER_RECORD
  const time = input.time ?? new Date()
  const record: DiffRecord = {
    id: createRecordId(time.getTime()),
    time: time.toISOString(),
    feature: input.feature,
    route: input.route,
    method: input.method.toUpperCase(),
    path: stripQueryValues(input.url),
    sessionHash: input.sessionId == null || input.sessionId === '' ? null : hashSessionId(input.sessionId, input.sessionHashSalt),
    primary: input.primary ?? 'legacy',
    legacy: sideOf(input.legacy),
    candidate: sideOf(input.candidate),
    verdict: result.verdict,
    differences: redactDifferences(result.differences.slice(0, max), input.redact),
    differenceCount: result.differences.length,
    fields: [...new Set(result.differences.map(fieldKey))],
    noiseDropped: result.noiseDropped
  }
  if (result.reason !== undefined) record.reason = result.reason
  return record
}
