/**
 * Shadow diff records into golden cases, so a difference seen in production becomes a
 * regression test. A record holds the method, the path with query values removed, the route,
 * the feature and the differing fields, but no request body, no headers and no session (only
 * its hash). So: one case per distinct method and path, one step, a fresh session; a request
 * with a body (anything but GET, HEAD, DELETE, OPTIONS) is written with `skip:` saying what to
 * fill in, and a query whose values were stripped is noted.
 */
import { readFile } from 'node:fs/promises'
import { stringify } from 'yaml'
import type { DiffRecord } from '../../analysis/diff-store/diff-store-types.js'
import { DEFAULT_IGNORE_PATHS, type GoldenCase } from './cases-file.js'

const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS'])

export async function readDiffRecords (file: string): Promise<DiffRecord[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown
  const records = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown }).records
  if (!Array.isArray(records)) throw new Error(`${file}: expected the JSON of GET /admin/diffs ({"records": [...]}) or a list of records`)
  records.forEach((r: Partial<DiffRecord>, i) => {
    if (typeof r?.method !== 'string' || typeof r.path !== 'string') throw new Error(`${file}: records[${i}] has no method and path`)
  })
  return records as DiffRecord[]
}

export function casesFromDiffRecords (records: readonly DiffRecord[]): { yaml: string, cases: number, skipped: number } {
  const byRequest = new Map<string, { records: DiffRecord[], fields: Set<string> }>()
  for (const record of records) {
    if (record.verdict === 'equal') continue
    const key = `${record.method} ${record.path}`
    const entry = byRequest.get(key) ?? { records: [], fields: new Set<string>() }
    entry.records.push(record)
    for (const field of record.fields ?? []) entry.fields.add(field)
    byRequest.set(key, entry)
  }
  const cases: GoldenCase[] = []
  for (const [key, { records: seen, fields }] of byRequest) {
    const newest = seen[0]
    const source = {
      diffIds: seen.slice(0, 5).map((r) => r.id),
      seen: seen.length,
      newest: newest.time,
      feature: newest.feature,
      route: newest.route,
      fields: [...fields].sort(),
      statuses: `${newest.legacy.status}/${newest.candidate.status}`
    }
    const notes: string[] = []
    if (newest.path.includes('=&') || newest.path.endsWith('=')) notes.push('query values were not recorded: fill them in')
    if (newest.sessionHash !== null) notes.push('the production request had a session whose state is not recorded; this case starts a fresh one')
    const testCase: GoldenCase = { name: `diff: ${key}`, source, steps: [{ method: newest.method, path: newest.path }] }
    if (notes.length > 0) testCase.description = notes.join('; ')
    if (!BODYLESS.has(newest.method)) {
      testCase.skip = 'the request body is not in the diff record: add json: (and csrf: true for a protected POST) to the step, then remove this skip'
    }
    cases.push(testCase)
  }
  const header = '# Cases from recorded shadow diffs (strangler-gateway golden from-diffs).\n' +
    '# Record them against legacy with `golden record`, then verify the new service with `golden verify`.\n'
  const body = { ignorePaths: DEFAULT_IGNORE_PATHS, cases }
  return { yaml: header + stringify(body, { lineWidth: 0 }), cases: cases.length, skipped: cases.filter((c) => c.skip !== undefined).length }
}
