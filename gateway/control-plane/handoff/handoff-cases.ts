/**
 * The scripted turns of the session handoff check (handoff-check.ts): per feature, the requests
 * one side sends on a cloned session, and the top-level keys a sampled session must have for the
 * turn to make sense (a chat turn needs `chat_settings`). Steps use the golden cases' step fields
 * (method, path, json, body, headers, csrf). DEFAULT_HANDOFF_CASES are the Workplace Roleplay
 * turns; golden/handoff-cases.yaml holds the same, as a file to edit and pass in.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { checkRequestStep, isMapping, type RequestStep } from '../../core/request-step.js'

/** `csrf`: the token comes from the clone, else GET /api/csrf-token on that side. */
export type HandoffStep = RequestStep

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

const isObject = isMapping

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
    const turn = raw.turn.map((step, i) => checkRequestStep(step, `${where} step ${i + 1}`, problems))
    if (turn.every((s): s is HandoffStep => s !== undefined) && Array.isArray(requires)) cases[feature] = { requires: requires as string[], turn }
  }
  if (problems.length > 0) throw new HandoffCasesError(problems)
  return cases
}

export async function loadHandoffCases (file: string): Promise<HandoffCases> {
  return parseHandoffCases(await readFile(file, 'utf8'), file)
}
