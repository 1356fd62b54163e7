/**
 * Request bodies on the live path stream straight through; the only copies are the capped
 * ones kept so a failed request to new can be replayed to legacy (and, later, mirrored).
 */
import { Readable, Transform, type TransformCallback } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { BodyTooLargeError } from '../../core/errors.js'

export function hasRequestBody (req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  if (length !== undefined) return length !== '0'
  return req.headers['transfer-encoding'] !== undefined
}

export function declaredLength (req: IncomingMessage): number | undefined {
  const length = req.headers['content-length']
  if (length === undefined) return undefined
  const n = Number(length)
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/** Passes bytes through and fails the stream once more than `limit` bytes have passed. */
export class ByteLimit extends Transform {
  #seen = 0
  readonly #limit: number
  constructor (limit: number) {
    super()
    this.#limit = limit
  }

  override _transform (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length
    if (this.#seen > this.#limit) callback(new BodyTooLargeError(this.#limit))
    else callback(null, chunk)
  }
}

export interface BufferedPrefix {
  /** The bytes read so far. */
  prefix: Buffer
  /** True when `prefix` is the whole body. */
  complete: boolean
  /** The whole body as a stream: prefix first, then whatever was not read yet. */
  stream: () => Readable
}

/**
 * Reads at most `cap` bytes. A body that fits is returned whole (replayable); a larger one is
 * handed on as a stream that starts with the bytes already read, so nothing is lost.
 */
export async function readUpTo (source: Readable, cap: number): Promise<BufferedPrefix> {
  const chunks: Buffer[] = []
  let size = 0
  const iterator = source[Symbol.asyncIterator]()
  let done = false
  while (size <= cap) {
    const next = await iterator.next()
    if (next.done === true) { done = true; break }
    const chunk = next.value as Buffer
    chunks.push(chunk)
    size += chunk.length
  }
  const prefix = Buffer.concat(chunks, size)
  if (done) return { prefix, complete: true, stream: () => Readable.from([prefix]) }
  return {
    prefix,
    complete: false,
    stream: () => Readable.from((async function * () {
      yield prefix
      for (;;) {
        const next = await iterator.next()
        if (next.done === true) return
        yield next.value as Buffer
      }
    })())
  }
}
