/**
 * The ordering guard of stateful shadows (docs/stateful-shadow.md): counts, per session id, the
 * requests of that session in flight through this gateway process. A stateful shadow is
 * consistent only when its request was the session's only one from the snapshot read until
 * legacy's resulting session was read: no other request of the session was in flight when the
 * snapshot was taken, and none arrived before the "after" read finished.
 */

export interface GuardStamp {
  readonly sid: string
  /** Arrivals seen by the guard when the snapshot was taken. */
  readonly at: number
  /** Another request of the session was in flight then. */
  readonly overlapped: boolean
}

export interface StatefulGuard {
  /** A request of `sid` arrived; call the returned function once when it is over. */
  enter: (sid: string) => () => void
  /** Taken just before the snapshot read, by a request that has entered. */
  stamp: (sid: string) => GuardStamp
  /** True when nothing overlapped since the stamp: call after reading legacy's resulting session. */
  consistent: (stamp: GuardStamp) => boolean
  /** Sessions with requests in flight (tests, metrics). */
  readonly sessions: number
}

export function createStatefulGuard (): StatefulGuard {
  // A process-wide arrival counter: a session whose entry went and came back still shows a later arrival.
  let arrivals = 0
  const inFlight = new Map<string, { active: number, lastArrival: number }>()
  return {
    enter (sid) {
      arrivals++
      const entry = inFlight.get(sid)
      if (entry === undefined) inFlight.set(sid, { active: 1, lastArrival: arrivals })
      else {
        entry.active++
        entry.lastArrival = arrivals
      }
      let left = false
      return () => {
        if (left) return
        left = true
        const current = inFlight.get(sid)
        if (current === undefined) return
        if (--current.active === 0) inFlight.delete(sid)
      }
    },
    stamp (sid) {
      const entry = inFlight.get(sid)
      return { sid, at: arrivals, overlapped: entry !== undefined && entry.active > 1 }
    },
    consistent (stamp) {
      if (stamp.overlapped) return false
      const entry = inFlight.get(stamp.sid)
      return entry === undefined || entry.lastArrival <= stamp.at
    },
    get sessions () { return inFlight.size }
  }
}
