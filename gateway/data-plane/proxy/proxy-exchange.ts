import type { RuntimeSnapshot } from '../config-holder.js'
import type { RoutingDecision } from '../routing/decide.js'

export type ServedBy = 'legacy' | 'new' | 'legacy-fallback'

/** What the proxy knows about a request; read by metrics, logs and the shadow path. */
export interface ProxyExchange {
  snapshot: RuntimeSnapshot
  decision: RoutingDecision
  servedBy: ServedBy
  /** Set when new failed and legacy answered instead. */
  fallbackCause?: string
}
