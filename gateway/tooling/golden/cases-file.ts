/**
 * The cases file: named cases, each a sequence of requests sent with one cookie jar (one
 * browser). Parsed strictly: every problem names the file, the line, the case and the step.
 */
import { readFile } from 'node:fs/promises'
import { LineCounter, parseDocument } from 'yaml'
import type { CompareRules } from '../../analysis/diff/diff-types.js'
import { checkRequestStep, isMapping, type RequestStep } from '../../core/request-step.js'

export const DEFAULT_IGNORE_PATHS = ['timestamp', 'session_id']

const COMPARE_MODES = new Set(['exact', 'shape', 'sse'])

/** `csrf`: the token is fetched from /api/csrf-token when not seen yet. */
export interface CaseStep extends RequestStep {
  compare?: Partial<CompareRules>
}

export interface GoldenCase {
  name: string
  description?: string
  /** A case that cannot run yet says why; record and verify list it as skipped. */
  skip?: string
  compare?: Partial<CompareRules>
  /** Where the case came from (a shadow diff record, say); kept, never interpreted. */
  source?: Record<string, unknown>
  steps: CaseStep[]
}

export interface CasesFile {
  /** Ignore paths added to every comparison (default: timestamp, session_id). */
  ignorePaths: string[]
  cases: GoldenCase[]
}

export class CasesFileError extends Error {
  constructor (readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'CasesFileError'
  }
}

const isObject = isMapping

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string')

/** Checks a partial compare block; returns problems. */
function checkCompare (value: unknown, where: string): string[] {
  if (value === undefined) return []
  if (!isObject(value)) return [`${where}: compare must be a mapping`]
  const problems: string[] = []
  for (const [key, item] of Object.entries(value)) {
    const bad = (what: string): void => { problems.push(`${where}: compare.${key} must be ${what}`) }
    switch (key) {
      case 'mode':
        if (typeof item !== 'string' || !COMPARE_MODES.has(item)) bad('exact, shape or sse')
        break
      case 'ignorePaths':
      case 'headers':
        if (!isStringArray(item)) bad('a list of strings')
        break
      case 'arrayOrderInsensitive':
      case 'whitespaceInsensitive':
        if (typeof item !== 'boolean') bad('true or false')
        break
      case 'numericTolerance':
        if (typeof item !== 'number' || item < 0) bad('a number >= 0')
        break
      default:
        problems.push(`${where}: compare.${key} is not a compare rule`)
    }
  }
  return problems
}

function checkStep (raw: unknown, where: string): { step?: CaseStep, problems: string[] } {
  const problems: string[] = []
  const request = checkRequestStep(raw, where, problems, ['compare'])
  const compare = isObject(raw) ? raw.compare : undefined
  problems.push(...checkCompare(compare, where))
  if (request === undefined || problems.length > 0) return { problems }
  const step: CaseStep = request
  if (compare !== undefined) step.compare = compare as Partial<CompareRules>
  return { step, problems }
}

function checkCase (raw: unknown, index: number, at: string, seen: Set<string>): { value?: GoldenCase, problems: string[] } {
  const label = isObject(raw) && typeof raw.name === 'string' ? `case "${raw.name}"` : `cases[${index}]`
  const where = `${at} ${label}`
  if (!isObject(raw)) return { problems: [`${where}: must be a mapping with name and steps`] }
  const problems: string[] = []
  const known = new Set(['name', 'description', 'skip', 'compare', 'source', 'steps'])
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`${where}: unknown key "${key}"`)
  if (typeof raw.name !== 'string' || raw.name.trim() === '') problems.push(`${where}: name must be a non-empty string`)
  else if (seen.has(raw.name)) problems.push(`${where}: the name is used by an earlier case`)
  else seen.add(raw.name)
  if (raw.description !== undefined && typeof raw.description !== 'string') problems.push(`${where}: description must be a string`)
  if (raw.skip !== undefined && typeof raw.skip !== 'string') problems.push(`${where}: skip must be a string saying why`)
  if (raw.source !== undefined && !isObject(raw.source)) problems.push(`${where}: source must be a mapping`)
  problems.push(...checkCompare(raw.compare, where))
  const steps: CaseStep[] = []
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) {
    problems.push(`${where}: steps must be a non-empty list of requests`)
  } else {
    raw.steps.forEach((item, i) => {
      const checked = checkStep(item, `${where} step ${i + 1}`)
      problems.push(...checked.problems)
      if (checked.step !== undefined) steps.push(checked.step)
    })
  }
  if (problems.length > 0) return { problems }
  const value: GoldenCase = { name: raw.name as string, steps }
  for (const key of ['description', 'skip', 'compare', 'source'] as const) {
    if (raw[key] !== undefined) Object.assign(value, { [key]: raw[key] })
  }
  return { value, problems }
}

/** Parses a cases file's text; `file` names it in every problem. Throws CasesFileError. */
export function parseCasesFile (text: string, file = 'cases.yaml'): CasesFile {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter })
  if (doc.errors.length > 0) {
    throw new CasesFileError(doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}`))
  }
  const root: unknown = doc.toJS()
  if (!isObject(root)) throw new CasesFileError([`${file}: must be a mapping with a cases list`])
  const problems: string[] = []
  for (const key of Object.keys(root)) if (key !== 'cases' && key !== 'ignorePaths') problems.push(`${file}: unknown top-level key "${key}"`)
  if (root.ignorePaths !== undefined && !isStringArray(root.ignorePaths)) problems.push(`${file}: ignorePaths must be a list of strings`)
  if (!Array.isArray(root.cases) || root.cases.length === 0) {
    problems.push(`${file}: cases must be a non-empty list`)
    throw new CasesFileError(problems)
  }
  const nodes = (doc.get('cases', true) as { items?: Array<{ range?: [number, number, number] }> }).items ?? []
  const seen = new Set<string>()
  const cases: GoldenCase[] = []
  root.cases.forEach((raw, i) => {
    const offset = nodes[i]?.range?.[0]
    const at = offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`
    const checked = checkCase(raw, i, at, seen)
    problems.push(...checked.problems)
    if (checked.value !== undefined) cases.push(checked.value)
  })
  if (problems.length > 0) throw new CasesFileError(problems)
  return { ignorePaths: (root.ignorePaths as string[] | undefined) ?? [...DEFAULT_IGNORE_PATHS], cases }
}

export async function loadCasesFile (file: string): Promise<CasesFile> {
  return parseCasesFile(await readFile(file, 'utf8'), file)
}
