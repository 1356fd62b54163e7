/**
 * A SessionStore in process memory: for tests and for running the stand-in without a disk or a
 * Redis. Values are deep-copied in and out, as a real store's serialisation would, so a route
 * cannot change a stored session without saving it.
 */
import type { SessionData, SessionStore } from '@strangler-gateway/flask-session'

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, { data: SessionData, expiresAt: number }>()
  readonly #lifetimeMs: number

  constructor (lifetimeSeconds: number) {
    this.#lifetimeMs = lifetimeSeconds * 1000
  }

  async load (sid: string): Promise<SessionData | null> {
    const entry = this.#sessions.get(sid)
    if (entry === undefined) return null
    if (entry.expiresAt <= Date.now()) {
      this.#sessions.delete(sid)
      return null
    }
    return structuredClone(entry.data)
  }

  async save (sid: string, data: SessionData): Promise<void> {
    this.#sessions.set(sid, { data: structuredClone(data), expiresAt: Date.now() + this.#lifetimeMs })
  }

  /** Synchronous inside, so no other writer can interleave in this process. */
  async update (sid: string, change: (current: SessionData) => SessionData): Promise<SessionData> {
    const next = change((await this.load(sid)) ?? {})
    await this.save(sid, next)
    return structuredClone(next)
  }

  async delete (sid: string): Promise<void> {
    this.#sessions.delete(sid)
  }

  async close (): Promise<void> {
    this.#sessions.clear()
  }
}
