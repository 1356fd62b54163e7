/** The diff store's public face: the shadow plugin records through it, the admin API reads it. */
export { createDiffStore } from './create-diff-store.js'
export type { CreateDiffStoreOptions } from './create-diff-store.js'
export { createMemoryDiffStore, DEFAULT_MAX_FIELDS_PER_ROUTE } from './memory-diff-store.js'
export type { MemoryDiffStoreOptions } from './memory-diff-store.js'
export { createRedisDiffStore, diffStoreRedisOptions, DEFAULT_DIFF_KEY_PREFIX, DEFAULT_MAX_IN_FLIGHT } from './redis-diff-store.js'
export type { RedisDiffStoreOptions } from './redis-diff-store.js'
export { buildDiffRecord, hashSessionId, stripQueryValues, DEFAULT_MAX_DIFFERENCES_PER_RECORD } from './build-record.js'
export type { RecordInput } from './build-record.js'
export { fieldKey } from './field-key.js'
export { summarise, DEFAULT_VOLATILE_RATE, DEFAULT_VOLATILE_MIN_SAMPLES } from './summarise-diffs.js'
export { DEFAULT_DIFF_TTL_SECONDS, DEFAULT_LIST_LIMIT, DEFAULT_MAX_RECORDS_PER_ROUTE, MAX_LIST_LIMIT } from './diff-store-types.js'
export type {
  DiffOutcome, DiffRecord, DiffStore, DiffStoreStats, DiffSummary, FeatureSummary, FieldRate,
  ListQuery, ListResult, OutcomeCounts, RouteSummary, SummaryOptions, VolatileField
} from './diff-store-types.js'
