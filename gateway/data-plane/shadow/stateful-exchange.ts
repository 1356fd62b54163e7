/**
 * What a stateful shadow's session work gives the shadow runner, whichever way the copy goes,
 * and the bounded wait of its session reads.
 */
import type { SessionData } from '@strangler-gateway/flask-session'
import type { CapturedResponse } from '../../analysis/diff/diff-types.js'

export type StatefulDropReason = 'no_session' | 'snapshot_failed' | 'snapshot_inconsistent' | 'snapshot_result_missing'

export interface SessionPair {
  legacy: SessionData | null
  candidate: SessionData | null
}

/**
 * One stateful shadow's snapshot, from the read before the served side runs to the cleanup: a
 * snapshot new reads (legacy serves), or a clone in legacy's store (the live stage, new serves).
 */
export interface StatefulExchange {
  key: string
  /** Set on the shadow's copy: the snapshot's key for new, the clone's cookie for legacy. */
  headers: Record<string, string>
  /** Resolves false when the snapshot could not be stored: the shadow is skipped. */
  stored: Promise<boolean>
  /** The served side's body has been read: read its resulting session now, before anything else can change it. */
  primaryAnswered: () => void
  /** Both sessions after the two requests, or why they cannot be compared; `copy` is the shadow's answer. */
  sessions: (copy: CapturedResponse) => Promise<SessionPair | StatefulDropReason>
  /** Deletes the snapshot and the result; never rejects. */
  cleanup: () => Promise<void>
}

/** `promise`, or a rejection once `ms` have passed: the longest a session read may keep the user waiting. */
export async function within<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
