/** The diff engine's public face: what the shadow plugin and the admin API import. */
export { compareExchange } from './compare-exchange.js'
export { compareResponses, compareBodies } from './compare.js'
export { normalise, VOLATILE_HEADERS } from './normalise.js'
export { subtractNoise } from './subtract-noise.js'
export { redactDifferences, redactValue, REDACTED } from './redact.js'
export { DEFAULT_MAX_DECODED_BYTES } from './decode-body.js'
export { DEFAULT_COMPARE_RULES } from './diff-types.js'
export type {
  CapturedResponse, CompareMode, CompareRules, Difference, DifferenceKind, ExchangeResult,
  NormalisedBody, NormalisedResponse, SseEvent, Verdict
} from './diff-types.js'
