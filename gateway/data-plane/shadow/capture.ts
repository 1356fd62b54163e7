/**
 * Keeps a capped copy of a body while it streams. For the primary response the upstream is read
 * to its end even when the client goes away, so the shadow still has something to compare with.
 * It runs on plain 'data'/'end' listeners: no async iterator and no Transform per response. The
 * shadow's own answer is copied straight from undici's callbacks (shadow-call.ts).
 */
import { Readable } from 'node:stream'

export interface Captured {
  body: Buffer
  truncated: boolean
  /** The body did not arrive whole (upstream error); nothing to compare. */
  failed: boolean
  /** The copy would have gone over the shadows' byte budget: it was let go, nothing is kept. */
  overBudget?: boolean
}

/** Where a copy's bytes are counted (shadow-budget.ts BytesHold); false: no room, stop keeping. */
export interface CopyHold { take: (bytes: number) => boolean }

/** The bytes of a body up to a cap, and whether any were cut. */
export class CappedCopy {
  readonly #chunks: Buffer[] = []
  #kept = 0
  #truncated = false
  #overBudget = false

  /** With `hold`, every byte kept is taken from it first; once it refuses, the copy is let go. */
  constructor (readonly cap: number, readonly hold?: CopyHold) {}

  add (chunk: Buffer): void {
    if (this.#overBudget) return
    const room = this.cap - this.#kept
    const keep = Math.min(chunk.length, Math.max(room, 0))
    if (keep > 0 && this.hold !== undefined && !this.hold.take(keep)) {
      // Over the byte budget: drop what was kept (the shadow is dropped) and keep nothing more.
      this.#overBudget = true
      this.#chunks.length = 0
      this.#kept = 0
      return
    }
    if (chunk.length <= room) {
      this.#chunks.push(chunk)
      this.#kept += chunk.length
      return
    }
    this.#truncated = true
    if (room > 0) {
      this.#chunks.push(chunk.subarray(0, room))
      this.#kept = this.cap
    }
  }

  result (failed: boolean): Captured {
    if (this.#overBudget) return { body: Buffer.alloc(0), truncated: true, failed: true, overBudget: true }
    const body = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#kept)
    return { body, truncated: this.#truncated, failed }
  }
}

/**
 * Splits an upstream body into the stream the client gets and a capped copy. Backpressure from
 * the client slows the upstream read; once the client has gone, the rest is read at full speed
 * into the copy (and past the cap, discarded), as long as `stillWanted()` says the shadow wants it. The client's stream never depends on the copy:
 * a copy over the byte budget is let go and the client still gets every byte.
 */
export function teeForCapture (
  upstream: Readable, cap: number, hold?: CopyHold, stillWanted: () => boolean = () => true
): { client: Readable, captured: Promise<Captured> } {
  const copy = new CappedCopy(cap, hold)
  let clientGone = false
  const client = new Readable({
    // The client wants more: let the upstream flow again.
    read () { upstream.resume() },
    destroy (err, callback) {
      if (!client.readableEnded) {
        clientGone = true
        // Read on for the shadow only while it still wants the answer: an abandoned one (shutdown,
        // memory) lets the upstream go, so its connection and pool can close.
        if (stillWanted()) upstream.resume()
        else upstream.destroy()
      }
      callback(err)
    }
  })

  const captured = new Promise<Captured>((resolve) => {
    upstream.on('data', (chunk: Buffer) => {
      copy.add(chunk)
      if (!clientGone && !client.push(chunk)) upstream.pause()
    })
    upstream.once('end', () => {
      if (!clientGone) client.push(null)
      resolve(copy.result(false))
    })
    upstream.once('error', (err) => {
      if (!clientGone) client.destroy(err)
      resolve(copy.result(true))
    })
    // An aborted body may close without 'end' or 'error'; the comparison must not wait forever.
    upstream.once('close', () => {
      if (upstream.readableEnded) return
      if (!clientGone) client.destroy(new Error('upstream body closed early'))
      resolve(copy.result(true))
    })
  })
  return { client, captured }
}
