/**
 * The gateway's own span attributes (docs/tracing.md). The standard ones come from
 * @opentelemetry/semantic-conventions. None of them ever holds a cookie, a session id, a
 * query string or a body.
 */
export const ATTR_FEATURE = 'strangler.feature'
export const ATTR_ROUTING_REASON = 'strangler.routing.reason'
export const ATTR_ROUTING_TARGET = 'strangler.routing.target'
export const ATTR_FLAG_SOURCE = 'strangler.flag.source'
export const ATTR_CANARY_PERCENT = 'strangler.canary.percent'
export const ATTR_CANARY_BUCKET = 'strangler.canary.bucket'
export const ATTR_SERVED_BY = 'strangler.served_by'
export const ATTR_FALLBACK = 'strangler.fallback'
export const ATTR_FALLBACK_CAUSE = 'strangler.fallback.cause'
export const ATTR_UPSTREAM = 'strangler.upstream'
export const ATTR_SHADOW_SAMPLED = 'strangler.shadow.sampled'
export const ATTR_SHADOW_MODE = 'strangler.shadow.mode'
export const ATTR_SHADOW_OUTCOME = 'strangler.shadow.outcome'
export const ATTR_SHADOW_DROP_REASON = 'strangler.shadow.drop_reason'
export const ATTR_SHADOW_VERDICT = 'strangler.shadow.verdict'
export const ATTR_SHADOW_DIFFERENCES = 'strangler.shadow.differences'

/**
 * On the link from a shadow span to the user's server span. The sampler (runtime/tracing-provider.ts)
 * samples a shadow exactly when the request it mirrors is sampled.
 */
export const ATTR_LINK_KIND = 'strangler.link'
export const LINK_SHADOW_OF = 'shadow_of'
