/**
 * How a session dict is turned into the bytes a Flask-Session store keeps, and back. Pickle is
 * what Flask-Session 0.3-0.6 (the Debian package, the legacy app as tested) writes; msgpack is
 * the default of Flask-Session 0.7+ (msgspec); JSON is for stores only TypeScript reads.
 *
 * decode() throws only this layer's typed errors (LA_ERR_PICKLE_*, LA_ERR_SESSION_DECODE);
 * foreign library errors are wrapped with the original as `cause`.
 */
import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack'
import { isLegacySessionError, SessionDecodeError, SessionEncodeError } from './errors.js'
import { readPickle, type PickleReadOptions } from './pickle-reader.js'
import { writePickle, type PickleWriteOptions } from './pickle-writer.js'
import { PyFloat } from './py-float.js'
import type { SessionData } from './session-types.js'
import { checkValueShape } from './value-shape.js'

export type ValueCodecName = 'pickle' | 'msgpack' | 'json'

export interface ValueCodec {
  readonly name: ValueCodecName
  encode (data: SessionData): Buffer
  /** The session dict; throws a typed error when the bytes are not one. */
  decode (buf: Uint8Array): SessionData
}

function isDict (value: unknown): value is SessionData {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
}

function guarded (name: ValueCodecName, decodeValue: (buf: Uint8Array) => unknown, encodeValue: (data: SessionData) => Buffer): ValueCodec {
  return {
    name,
    encode (data) {
      try {
        return encodeValue(data)
      } catch (err) {
        if (isLegacySessionError(err)) throw err
        throw new SessionEncodeError(name, (err as Error).message, { cause: err })
      }
    },
    decode (buf) {
      let value: unknown
      try {
        value = decodeValue(buf)
      } catch (err) {
        if (isLegacySessionError(err)) throw err
        throw new SessionDecodeError(name, (err as Error)?.message ?? String(err), { cause: err })
      }
      if (!isDict(value)) throw new SessionDecodeError(name, 'the stored value is not a dict')
      const problem = checkValueShape(value)
      if (problem !== null) throw new SessionDecodeError(name, problem)
      return value
    }
  }
}

export interface PickleCodecOptions extends PickleReadOptions, PickleWriteOptions {}

/** Flask-Session's pickle format. Write protocol 4 (Redis store) or 5 (cachelib filesystem store). */
export function createPickleCodec (options: PickleCodecOptions = {}): ValueCodec {
  return guarded('pickle', (buf) => readPickle(buf, options), (data) => writePickle(data, options))
}

/**
 * A copy ready for @msgpack/msgpack: PyFloat unwrapped (this library cannot say "float" for 3.0),
 * and integers beyond 32 bits as bigint, because with useBigInt64 the library would write such a
 * number as a float64 and Python would read 2**40 back as 1099511627776.0.
 */
function forMsgpack (value: unknown): unknown {
  if (value instanceof PyFloat) return value.value
  // The library would silently wrap a wider bigint into 64 bits.
  if (typeof value === 'bigint' && (value < -(2n ** 63n) || value >= 2n ** 64n)) throw new SessionEncodeError('msgpack', `the int ${value} does not fit in 64 bits`)
  if (typeof value === 'number' && Number.isSafeInteger(value) && (value > 0xffffffff || value < -0x80000000)) return BigInt(value)
  if (Array.isArray(value)) return value.map(forMsgpack)
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: forMsgpack(item), enumerable: true, writable: true, configurable: true })
    }
    return copy
  }
  return value
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * msgspec writes 2**40 as uint64, which decodes as bigint, where the pickle reader gives a number;
 * bin values are views into the input, where the pickle reader gives Buffers of their own.
 */
function normalizeDecoded (value: unknown): unknown {
  if (typeof value === 'bigint') return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value
  if (value instanceof Uint8Array) return Buffer.from(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalizeDecoded(value[i])
  } else if (value !== null && typeof value === 'object') {
    const dict = value as Record<string, unknown>
    for (const key of Object.keys(dict)) dict[key] = normalizeDecoded(dict[key])
  }
  return value
}

/** msgpack as Flask-Session 0.7+ writes it with msgspec: 64-bit ints come back as bigint. */
export function createMsgpackCodec (): ValueCodec {
  return guarded('msgpack',
    (buf) => {
      const value = msgpackDecode(buf, { useBigInt64: true })
      const problem = checkValueShape(value)
      if (problem !== null) throw new SessionDecodeError('msgpack', problem)
      return normalizeDecoded(value)
    },
    (data) => Buffer.from(msgpackEncode(forMsgpack(data), { useBigInt64: true })))
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function createJsonCodec (): ValueCodec {
  return guarded('json',
    (buf) => JSON.parse(utf8.decode(buf)),
    (data) => Buffer.from(JSON.stringify(data), 'utf8'))
}

export const pickleCodec = createPickleCodec()
export const msgpackCodec = createMsgpackCodec()
export const jsonCodec = createJsonCodec()

export function valueCodecByName (name: ValueCodecName): ValueCodec {
  switch (name) {
    case 'pickle': return pickleCodec
    case 'msgpack': return msgpackCodec
    case 'json': return jsonCodec
  }
}
