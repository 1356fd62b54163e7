/**
 * The client's response as the abort signal of an upstream call, without an AbortController, an
 * AbortSignal or an EventTarget listener per request. undici takes any EventEmitter-like signal:
 * `aborted`, `reason`, `once('abort')` and `removeListener`; this is that and no more.
 *
 * The call is aborted when the client went away before its response finished, unless
 * `keepGoing()` says the answer is still wanted (a shadow comparing against it). It listens to
 * the response's 'close' only while undici listens to it.
 */
import type { ServerResponse } from 'node:http'

type Listener = () => void

/** The signal a response's 'close' is for: one shared listener, not a bound one per request. */
const SIGNAL = Symbol('client-abort-signal')
type SignalledResponse = ServerResponse & { [SIGNAL]?: ClientAbortSignal }

function onClose (this: SignalledResponse): void {
  this[SIGNAL]?.closed()
}

export class ClientAbortSignal {
  reason: Error | undefined = undefined
  readonly #response: SignalledResponse
  readonly #keepGoing: () => boolean
  #listeners: Listener[] = []

  constructor (response: ServerResponse, keepGoing: () => boolean) {
    this.#response = response
    this.#keepGoing = keepGoing
  }

  /** The response closed: the listeners run if that is an abort. */
  closed (): void {
    if (!this.aborted) return
    const listeners = this.#listeners
    this.#listeners = []
    this.#response.removeListener('close', onClose)
    for (const listener of listeners) listener()
  }

  get aborted (): boolean {
    return this.#response.destroyed && !this.#response.writableFinished && !this.#keepGoing()
  }

  once (event: 'abort', listener: Listener): this {
    if (event !== 'abort') return this
    this.#listeners.push(listener)
    if (this.#listeners.length === 1) {
      this.#response[SIGNAL] = this
      this.#response.once('close', onClose)
    }
    return this
  }

  on (event: 'abort', listener: Listener): this {
    return this.once(event, listener)
  }

  removeListener (event: 'abort', listener: Listener): this {
    const at = event === 'abort' ? this.#listeners.indexOf(listener) : -1
    if (at === -1) return this
    this.#listeners.splice(at, 1)
    if (this.#listeners.length === 0) this.#response.removeListener('close', onClose)
    return this
  }
}
