/**
 * The client's response as the abort signal of an upstream call. undici accepts any
 * EventEmitter-like signal (`aborted`, `once('abort')`, `removeListener`); this one forwards the
 * single 'close' event Node emits for the response, so no AbortController, AbortSignal or
 * EventTarget listener is made per request on the hot path.
 *
 * The call is aborted when the client went away before its response finished, unless
 * `keepGoing()` says the upstream answer is still wanted (a shadow comparing against it).
 */
import type { ServerResponse } from 'node:http'

type Listener = () => void

export class ClientAbortSignal {
  readonly #response: ServerResponse
  readonly #keepGoing: () => boolean
  /** Each abort listener with the 'close' listener that calls it; usually one (a fallback adds a second). */
  readonly #registered: Array<[abort: Listener, close: Listener]> = []

  constructor (response: ServerResponse, keepGoing: () => boolean) {
    this.#response = response
    this.#keepGoing = keepGoing
  }

  get aborted (): boolean {
    return this.#response.destroyed && !this.#response.writableFinished && !this.#keepGoing()
  }

  once (event: 'abort', listener: Listener): this {
    if (event !== 'abort') return this
    const onClose = (): void => {
      this.#forget(listener)
      if (this.aborted) listener()
    }
    this.#registered.push([listener, onClose])
    this.#response.once('close', onClose)
    return this
  }

  on (event: 'abort', listener: Listener): this {
    return this.once(event, listener)
  }

  removeListener (event: 'abort', listener: Listener): this {
    const onClose = event === 'abort' ? this.#forget(listener) : undefined
    if (onClose !== undefined) this.#response.removeListener('close', onClose)
    return this
  }

  #forget (listener: Listener): Listener | undefined {
    const at = this.#registered.findIndex(([abort]) => abort === listener)
    return at === -1 ? undefined : this.#registered.splice(at, 1)[0][1]
  }
}
