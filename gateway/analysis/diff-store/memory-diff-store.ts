import { pageRecords } from './list-records.js'
import { summarise } from './summarise-diffs.js'
import type { RouteCounters } from './summarise-diffs.js'
import { DEFAULT_MAX_RECORDS_PER_ROUTE } from './diff-store-types.js'
import type { DiffOutcome, DiffRecord, DiffStore, DiffStoreStats, ListQuery, SummaryOptions } from './diff-store-types.js'

export interface MemoryDiffStoreOptions extends SummaryOptions {
  maxRecordsPerRoute?: number
  /** Distinct field counters kept per route; later new fields are not counted. Bounds memory. */
  maxFieldsPerRoute?: number
}

export const DEFAULT_MAX_FIELDS_PER_ROUTE = 500

interface RouteEntry extends RouteCounters {
  records: DiffRecord[]
}

/** The embedded default: one process, nothing survives a restart, same interface as Redis. */
export function createMemoryDiffStore (options: MemoryDiffStoreOptions = {}): DiffStore {
  const maxRecords = options.maxRecordsPerRoute ?? DEFAULT_MAX_RECORDS_PER_ROUTE
  const maxFields = options.maxFieldsPerRoute ?? DEFAULT_MAX_FIELDS_PER_ROUTE
  const routes = new Map<string, RouteEntry>()
  const stats: DiffStoreStats = {
    backend: 'memory', recordsWritten: 0, recordsDropped: 0, countersWritten: 0, countersDropped: 0, inFlight: 0, connected: true, lastError: null
  }

  function entry (feature: string, route: string): RouteEntry {
    const key = JSON.stringify([feature, route])
    let e = routes.get(key)
    if (e === undefined) {
      e = { feature, route, outcomes: {}, fields: {}, records: [] }
      routes.set(key, e)
    }
    return e
  }

  function count (e: RouteEntry, outcome: DiffOutcome): void {
    e.outcomes[outcome] = (e.outcomes[outcome] ?? 0) + 1
  }

  return {
    async record (record) {
      const e = entry(record.feature, record.route)
      count(e, record.verdict)
      for (const field of record.fields) {
        if (field in e.fields) e.fields[field]++
        else if (Object.keys(e.fields).length < maxFields) e.fields[field] = 1
      }
      if (record.verdict !== 'equal') {
        e.records.unshift(record)
        if (e.records.length > maxRecords) e.records.length = maxRecords
      }
      stats.recordsWritten++
    },
    async countOutcome (feature, route, outcome) {
      count(entry(feature, route), outcome)
      stats.countersWritten++
    },
    async list (query: ListQuery = {}) {
      const all: DiffRecord[] = []
      for (const e of routes.values()) all.push(...e.records)
      return pageRecords(all, query)
    },
    async summary () {
      return summarise([...routes.values()], options)
    },
    stats () {
      return { ...stats }
    },
    async close () {
      routes.clear()
    }
  }
}
