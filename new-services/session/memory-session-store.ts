/**
 * A SessionStore in process memory: for tests and a single-process embedded run. Values are
 * deep-copied in and out so callers cannot change stored sessions by accident.
 */
import type { SessionData, SessionStore } from '@strangler-gateway/flask-session'

export function createMemorySessionStore (): SessionStore & { readonly size: number } {
  const sessions = new Map<string, SessionData>()
  return {
    get size () { return sessions.size },
    async load (sid) {
      const found = sessions.get(sid)
      return found === undefined ? null : structuredClone(found)
    },
    async save (sid, data) {
      sessions.set(sid, structuredClone(data))
    },
    // Single-threaded and synchronous between read and write, so updates cannot interleave.
    async update (sid, change) {
      const next = change(structuredClone(sessions.get(sid) ?? {}))
      sessions.set(sid, structuredClone(next))
      return structuredClone(next)
    },
    async delete (sid) {
      sessions.delete(sid)
    },
    async close () {
      sessions.clear()
    }
  }
}
