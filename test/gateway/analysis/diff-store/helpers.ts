import { buildDiffRecord } from '../../../../gateway/analysis/diff-store/build-record.js'
import type { Difference, Verdict } from '../../../../gateway/analysis/diff/diff-types.js'
import type { DiffRecord } from '../../../../gateway/analysis/diff-store/diff-store-types.js'

/** A record as the shadow plugin would build it. */
export function sampleRecord (over: { feature?: string, route?: string, verdict?: Verdict, differences?: Difference[], time?: Date, sessionId?: string } = {}): DiffRecord {
  const differences = over.differences ?? (over.verdict === 'equal' ? [] : [{ kind: 'changed', path: 'response', legacy: 'a', candidate: 'b' } as Difference])
  return buildDiffRecord({
    feature: over.feature ?? 'chat',
    route: over.route ?? '/api/chat',
    method: 'POST',
    url: '/api/chat?lang=en',
    sessionId: over.sessionId ?? 'raw-session-id-123',
    legacy: { status: 200, latencyMs: 12.4 },
    candidate: { status: 200, latencyMs: 8.6 },
    result: { verdict: over.verdict ?? (differences.length > 0 ? 'different' : 'equal'), differences, noiseDropped: 0 },
    time: over.time
  })
}
