/**
 * An abort signal for undici without an AbortController, an AbortSignal or an EventTarget listener
 * per request. undici takes any EventEmitter-like signal: `aborted`, `reason`, `once('abort')` and
 * `removeListener`; this is that and no more.
 *
 * ClientAbortSignal: the client's response. The upstream call is aborted when the client went
 * away before its response finished, unless `keepGoing()` says the answer is still wanted (a
 * shadow comparing against it). It listens to the response's 'close' only while undici listens.
 */
import type { ServerResponse } from 'node:http'

type Listener = () => void

abstract class UndiciSignal {
  reason: Error | undefined = undefined
  #listeners: Listener[] = []

  abstract get aborted (): boolean

  once (event: 'abort', listener: Listener): this {
    if (event === 'abort') {
      this.#listeners.push(listener)
      if (this.#listeners.length === 1) this.listening(true)
    }
    return this
  }

  on (event: 'abort', listener: Listener): this {
    return this.once(event, listener)
  }

  removeListener (event: 'abort', listener: Listener): this {
    const at = event === 'abort' ? this.#listeners.indexOf(listener) : -1
    if (at !== -1) {
      this.#listeners.splice(at, 1)
      if (this.#listeners.length === 0) this.listening(false)
    }
    return this
  }

  /** Called when the first listener comes and when the last one goes. */
  protected listening (_active: boolean): void {}

  protected fire (): void {
    const listeners = this.#listeners
    this.#listeners = []
    this.listening(false)
    for (const listener of listeners) listener()
  }
}

export class ClientAbortSignal extends UndiciSignal {
  readonly #response: ServerResponse
  readonly #keepGoing: () => boolean
  readonly #onClose = (): void => { if (this.aborted) this.fire() }

  constructor (response: ServerResponse, keepGoing: () => boolean) {
    super()
    this.#response = response
    this.#keepGoing = keepGoing
  }

  get aborted (): boolean {
    return this.#response.destroyed && !this.#response.writableFinished && !this.#keepGoing()
  }

  protected override listening (active: boolean): void {
    if (active) this.#response.once('close', this.#onClose)
    else this.#response.removeListener('close', this.#onClose)
  }
}
