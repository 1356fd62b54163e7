/**
 * The ordering guard of stateful shadows (docs/stateful-shadow.md): counts, per session id, the
 * requests of that session in flight through this gateway process. A stateful shadow is
 * consistent only when its request was the session's only one from the snapshot read until
 * legacy's resulting session was read: no other request of the session was in flight when the
 * snapshot was taken, and none arrived before the "after" read finished.
 */

export interface GuardStamp {
  readonly sid: string
  /** Another request of the session was in flight at the stamp, or arrived since. */
  overlapped: boolean
}

export interface StatefulGuard {
  /** A request of `sid` arrived; call the returned function once when it is over. */
  enter: (sid: string) => () => void
  /** Taken just before the snapshot read, by a request that has entered; watched until released. */
  stamp: (sid: string) => GuardStamp
  /** True when nothing overlapped since the stamp: ask after reading legacy's resulting session. */
  consistent: (stamp: GuardStamp) => boolean
  /** Stops watching for overlaps (the shadow is over). */
  release: (stamp: GuardStamp) => void
  /** Sessions with requests in flight or stamps watched (tests). */
  readonly sessions: number
}

export function createStatefulGuard (): StatefulGuard {
  const active = new Map<string, number>()
  // Stamps are watched apart from the counts: a session whose requests all ended and then came
  // back must still mark the stamps taken before.
  const watched = new Map<string, Set<GuardStamp>>()
  return {
    enter (sid) {
      active.set(sid, (active.get(sid) ?? 0) + 1)
      for (const stamp of watched.get(sid) ?? []) stamp.overlapped = true
      let left = false
      return () => {
        if (left) return
        left = true
        const count = (active.get(sid) ?? 1) - 1
        if (count === 0) active.delete(sid)
        else active.set(sid, count)
      }
    },
    stamp (sid) {
      const stamp: GuardStamp = { sid, overlapped: (active.get(sid) ?? 0) > 1 }
      let stamps = watched.get(sid)
      if (stamps === undefined) watched.set(sid, stamps = new Set())
      stamps.add(stamp)
      return stamp
    },
    consistent: (stamp) => !stamp.overlapped,
    release (stamp) {
      const stamps = watched.get(stamp.sid)
      if (stamps?.delete(stamp) === true && stamps.size === 0) watched.delete(stamp.sid)
    },
    get sessions () { return new Set([...active.keys(), ...watched.keys()]).size }
  }
}

/** The stamp for a stateful shadow of `sid`, or why it cannot have one (released at once then). */
export function stampSession (guard: StatefulGuard, sid: string | null): GuardStamp | 'no_session' | 'snapshot_inconsistent' {
  if (sid === null) return 'no_session'
  const stamp = guard.stamp(sid)
  if (!stamp.overlapped) return stamp
  guard.release(stamp)
  return 'snapshot_inconsistent'
}
