/**
 * The scripted turns of the session handoff check (handoff-check.ts): per feature, the requests
 * one side sends on a cloned session, and the top-level keys a sampled session must have for the
 * turn to make sense (a chat turn needs `chat_settings`). Steps use the golden cases' step fields
 * (method, path, json, body, headers, csrf). DEFAULT_HANDOFF_CASES are the Workplace Roleplay
 * turns; golden/handoff-cases.yaml holds the same, as a file to edit and pass in.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface HandoffStep {
  method: string
  path: string
  json?: unknown
  body?: string
  headers?: Record<string, string>
  /** Send the session's CSRF token as X-CSRF-Token (from the clone, else GET /api/csrf-token on that side). */
  csrf?: boolean
}

export interface HandoffCase {
  /** Only sessions with every one of these top-level keys are sampled. */
  requires: string[]
  /** One turn: every step goes to the same side, in order. */
  turn: HandoffStep[]
}

export type HandoffCases = Record<string, HandoffCase>

export const DEFAULT_HANDOFF_CASES: HandoffCases = {
  chat: {
    requires: ['chat_settings'],
    turn: [{ method: 'POST', path: '/api/chat', csrf: true, json: { message: '引き継ぎの確認です。よろしくお願いします' } }]
  },
  scenario: {
    requires: [],
    turn: [{ method: 'POST', path: '/api/scenario_chat', csrf: true, json: { scenario_id: 'scenario1', message: '資料を確認しました' } }]
  },
  watch: {
    requires: ['watch_settings', 'watch_history'],
    turn: [{ method: 'POST', path: '/api/watch/next', csrf: true, json: {} }]
  }
}

export class HandoffCasesError extends Error {
  constructor (readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'HandoffCasesError'
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

function checkStep (raw: unknown, where: string, problems: string[]): HandoffStep | undefined {
  if (!isObject(raw)) { problems.push(`${where}: must be a mapping with method and path`); return undefined }
  const known = new Set(['method', 'path', 'json', 'body', 'headers', 'csrf'])
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`${where}: unknown key "${key}"`)
  const method = String(raw.method ?? 'GET').toUpperCase()
  const before = problems.length
  if (!METHODS.has(method)) problems.push(`${where}: method "${String(raw.method)}" is not an HTTP method`)
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) problems.push(`${where}: path must be a string starting with /`)
  if (raw.body !== undefined && typeof raw.body !== 'string') problems.push(`${where}: body must be a string (use json: for a JSON body)`)
  if (raw.json !== undefined && raw.body !== undefined) problems.push(`${where}: json and body cannot both be given`)
  if (raw.headers !== undefined && (!isObject(raw.headers) || !Object.values(raw.headers).every((v) => typeof v === 'string'))) {
    problems.push(`${where}: headers must map names to strings`)
  }
  if (raw.csrf !== undefined && typeof raw.csrf !== 'boolean') problems.push(`${where}: csrf must be true or false`)
  if (problems.length > before) return undefined
  const step: HandoffStep = { method, path: raw.path as string }
  if (raw.json !== undefined) step.json = raw.json
  if (raw.body !== undefined) step.body = raw.body as string
  if (raw.headers !== undefined) step.headers = raw.headers as Record<string, string>
  if (raw.csrf === true) step.csrf = true
  return step
}

/** `features: { <feature>: { requires: [key...], turn: [step...] } }`. Throws HandoffCasesError. */
export function parseHandoffCases (text: string, file = 'handoff-cases.yaml'): HandoffCases {
  let root: unknown
  try {
    root = parse(text)
  } catch (err) {
    throw new HandoffCasesError([`${file}: ${(err as Error).message.split('\n')[0]}`])
  }
  if (!isObject(root) || !isObject(root.features)) throw new HandoffCasesError([`${file}: must be a mapping with features`])
  const problems: string[] = []
  const cases: HandoffCases = {}
  for (const [feature, raw] of Object.entries(root.features)) {
    const where = `${file} feature "${feature}"`
    if (!isObject(raw)) { problems.push(`${where}: must be a mapping with turn`); continue }
    for (const key of Object.keys(raw)) if (key !== 'requires' && key !== 'turn') problems.push(`${where}: unknown key "${key}"`)
    const requires = raw.requires ?? []
    if (!Array.isArray(requires) || !requires.every((k) => typeof k === 'string')) problems.push(`${where}: requires must be a list of top-level session keys`)
    if (!Array.isArray(raw.turn) || raw.turn.length === 0) { problems.push(`${where}: turn must be a non-empty list of requests`); continue }
    const turn = raw.turn.map((step, i) => checkStep(step, `${where} step ${i + 1}`, problems))
    if (turn.every((s): s is HandoffStep => s !== undefined) && Array.isArray(requires)) cases[feature] = { requires: requires as string[], turn }
  }
  if (problems.length > 0) throw new HandoffCasesError(problems)
  return cases
}

export async function loadHandoffCases (file: string): Promise<HandoffCases> {
  return parseHandoffCases(await readFile(file, 'utf8'), file)
}
