/** Types shared by the diff engine stages and by the shadow plugin that feeds them. */
import type { CompareMode } from '../../core/config/gateway-config.js'
import type { DIFFERENCE_KINDS } from '../../core/config/schema.js'

/** routes.yaml's `compare.mode`, typed by its schema; re-exported for the engine's users. */
export type { CompareMode }

/** One upstream answer as the shadow plugin captured it (body already buffered, capped). */
export interface CapturedResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** The body was longer than the capture cap, so `body` holds only its start. */
  truncated: boolean
  latencyMs: number
}

export interface CompareRules {
  mode: CompareMode
  /** Dotted paths removed before comparing: `*` is any one key or index, `**` any depth, `[]` array items. */
  ignorePaths: string[]
  arrayOrderInsensitive: boolean
  /** Absolute: numbers that differ by no more than this are equal. */
  numericTolerance: number
  whitespaceInsensitive: boolean
  /** Lower-case header names compared between the two responses. */
  headers: string[]
}

/** How one session key path is compared (compare.session.keys). */
export type SessionKeyRule = 'exact' | 'shape' | 'ignore'

export const DEFAULT_COMPARE_RULES: Readonly<CompareRules> = Object.freeze({
  mode: 'exact',
  ignorePaths: [],
  arrayOrderInsensitive: false,
  numericTolerance: 0,
  whitespaceInsensitive: false,
  headers: ['content-type']
})

export type DifferenceKind = typeof DIFFERENCE_KINDS[number]

/**
 * One difference between legacy (primary, old) and candidate (new). Body paths are dotted from
 * the body root (`history.2.ai`), `$` is the whole body; status is `status`, headers
 * `headers.<name>`, stream facts `sse.<what>`.
 */
export interface Difference {
  kind: DifferenceKind
  path: string
  legacy?: unknown
  candidate?: unknown
}

export interface SseEvent {
  /** `message` when the stream did not name it. */
  event: string
  data: string
  /** `data` parsed as JSON; undefined when it is not JSON. */
  json?: unknown
}

export type NormalisedBody =
  | { kind: 'empty' }
  | { kind: 'json', value: unknown }
  | { kind: 'text', value: string }
  | { kind: 'sse', events: SseEvent[] }
  | { kind: 'binary', length: number, sha256: string }

export interface NormalisedResponse {
  status: number
  /** Lower-case names, volatile headers removed, repeated headers joined with ', '. */
  headers: Record<string, string>
  body: NormalisedBody
}

export type Verdict = 'equal' | 'different' | 'too_large' | 'error'

export interface ExchangeResult {
  verdict: Verdict
  differences: Difference[]
  /** Differences dropped because the two legacy responses differed there too. */
  noiseDropped: number
  /** Why the verdict is `error` or `too_large`. */
  reason?: string
}
