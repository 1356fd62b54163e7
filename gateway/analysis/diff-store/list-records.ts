import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './diff-store-types.js'
import type { DiffRecord, ListQuery, ListResult } from './diff-store-types.js'

export function matchesQuery (record: DiffRecord, query: ListQuery): boolean {
  if (query.feature !== undefined && record.feature !== query.feature) return false
  if (query.route !== undefined && record.route !== query.route) return false
  if (query.verdict !== undefined && record.verdict !== query.verdict) return false
  if (query.kind !== undefined && !record.differences.some((d) => d.kind === query.kind)) return false
  return true
}

function newestFirst (a: DiffRecord, b: DiffRecord): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Filter, order newest first and cut one page; shared by both stores. */
export function pageRecords (records: Iterable<DiffRecord>, query: ListQuery = {}): ListResult {
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? DEFAULT_LIST_LIMIT)), MAX_LIST_LIMIT)
  const offset = Math.max(0, Math.floor(query.offset ?? 0))
  const matching = [...records].filter((r) => matchesQuery(r, query)).sort(newestFirst)
  const page = matching.slice(offset, offset + limit)
  return { records: page, nextOffset: offset + limit < matching.length ? offset + limit : null }
}
