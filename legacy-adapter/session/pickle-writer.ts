/**
 * Writes plain JS data as a pickle that CPython's pickle.loads reads back equal. Protocol 4 by
 * default (what Flask-Session's Redis store writes on Python 3.8+; cachelib's filesystem store
 * writes protocol 5, whose plain-data opcodes are the same). Without FRAME opcodes: framing is
 * optional for readers and only buys Python fewer read() calls.
 *
 * JS -> Python: object -> dict, array -> list, string -> str, Buffer/Uint8Array -> bytes,
 * safe-integer number and bigint -> int, other numbers and PyFloat -> float, boolean -> bool,
 * null -> None. Keys whose value is undefined are left out (as JSON.stringify does); undefined in
 * an array is None. Shared containers are memoized as Python does; cycles are refused.
 */
import { PickleUnsupportedValueError } from './errors.js'
import { OP } from './pickle-opcodes.js'
import { PyFloat } from './py-float.js'
import { DEFAULT_MAX_DEPTH } from './value-shape.js'

export interface PickleWriteOptions {
  /** 2 to 5; bytes need 3 or more. Default 4. */
  protocol?: 2 | 3 | 4 | 5
}

/** Python batches APPENDS/SETITEMS by this many items; we do the same. */
const BATCH = 1000
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

class ByteSink {
  private chunks: Buffer[] = []
  private pending: number[] = []

  op (...bytes: number[]): void { for (const b of bytes) this.pending.push(b) }

  raw (buf: Buffer): void {
    this.flush()
    this.chunks.push(buf)
  }

  uintLE (value: number, size: 1 | 2 | 4 | 8): void {
    const b = Buffer.alloc(size)
    if (size === 8) b.writeBigUInt64LE(BigInt(value))
    else b.writeUIntLE(value, 0, size)
    this.raw(b)
  }

  private flush (): void {
    if (this.pending.length > 0) this.chunks.push(Buffer.from(this.pending))
    this.pending = []
  }

  result (): Buffer {
    this.flush()
    return Buffer.concat(this.chunks)
  }
}

/** Minimal two's complement little-endian bytes of n, as Python's encode_long. */
function encodeLong (n: bigint): Buffer {
  if (n === 0n) return Buffer.alloc(0)
  const bytes: number[] = []
  let rest = n
  for (;;) {
    const byte = Number(rest & 0xffn)
    bytes.push(byte)
    rest >>= 8n
    if ((rest === 0n && (byte & 0x80) === 0) || (rest === -1n && (byte & 0x80) !== 0)) break
  }
  return Buffer.from(bytes)
}

export function writePickle (value: unknown, options: PickleWriteOptions = {}): Buffer {
  const protocol = options.protocol ?? 4
  const out = new ByteSink()
  const memo = new Map<object, number>()
  const onPath = new Set<object>()
  out.op(OP.PROTO, protocol)

  const fail = (what: string, path: string): never => { throw new PickleUnsupportedValueError(what, path) }

  const writeInt = (n: bigint): void => {
    if (n >= 0n && n <= 0xffn) out.op(OP.BININT1, Number(n))
    else if (n >= 0n && n <= 0xffffn) { out.op(OP.BININT2); out.uintLE(Number(n), 2) } else if (n >= -0x80000000n && n <= 0x7fffffffn) {
      const b = Buffer.alloc(4); b.writeInt32LE(Number(n)); out.op(OP.BININT); out.raw(b)
    } else {
      const bytes = encodeLong(n)
      if (bytes.length < 256) out.op(OP.LONG1, bytes.length)
      else { out.op(OP.LONG4); out.uintLE(bytes.length, 4) }
      out.raw(bytes)
    }
  }
  const writeFloat = (x: number): void => {
    const b = Buffer.alloc(8); b.writeDoubleBE(x); out.op(OP.BINFLOAT); out.raw(b)
  }
  const writeStr = (s: string, path: string): void => {
    if (LONE_SURROGATE.test(s)) fail('a string with a lone UTF-16 surrogate', path)
    const b = Buffer.from(s, 'utf8')
    if (b.length < 256) out.op(OP.SHORT_BINUNICODE, b.length)
    else if (b.length <= 0xffffffff) { out.op(OP.BINUNICODE); out.uintLE(b.length, 4) } else { out.op(OP.BINUNICODE8); out.uintLE(b.length, 8) }
    out.raw(b)
  }
  const writeBytes = (b: Buffer, path: string): void => {
    if (protocol < 3) fail('bytes (they need pickle protocol 3 or more)', path)
    if (b.length < 256) out.op(OP.SHORT_BINBYTES, b.length)
    else if (b.length <= 0xffffffff) { out.op(OP.BINBYTES); out.uintLE(b.length, 4) } else { out.op(OP.BINBYTES8); out.uintLE(b.length, 8) }
    out.raw(b)
  }
  const memoize = (obj: object): void => {
    const index = memo.size
    memo.set(obj, index)
    if (protocol >= 4) out.op(OP.MEMOIZE)
    else if (index < 256) out.op(OP.BINPUT, index)
    else { out.op(OP.LONG_BINPUT); out.uintLE(index, 4) }
  }

  const write = (v: unknown, path: string, depth: number): void => {
    if (v === null || v === undefined) return out.op(OP.NONE)
    if (v === true) return out.op(OP.NEWTRUE)
    if (v === false) return out.op(OP.NEWFALSE)
    if (typeof v === 'bigint') return writeInt(v)
    if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? writeInt(BigInt(v)) : writeFloat(v)
    if (v instanceof PyFloat) return writeFloat(v.value)
    if (typeof v === 'string') return writeStr(v, path)
    if (v instanceof Uint8Array) return writeBytes(Buffer.from(v.buffer, v.byteOffset, v.length), path)
    const isArray = Array.isArray(v)
    if (typeof v !== 'object' || (!isArray && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)) {
      return fail(typeof v === 'object' ? `an instance of ${v.constructor?.name ?? 'unknown class'}` : `a ${typeof v}`, path)
    }
    if (onPath.has(v)) return fail('a container that contains itself', path)
    const seen = memo.get(v)
    if (seen !== undefined) {
      if (seen < 256) return out.op(OP.BINGET, seen)
      out.op(OP.LONG_BINGET); return out.uintLE(seen, 4)
    }
    if (depth >= DEFAULT_MAX_DEPTH) return fail(`nesting deeper than ${DEFAULT_MAX_DEPTH}`, path)
    onPath.add(v)
    if (isArray) {
      out.op(OP.EMPTY_LIST); memoize(v)
      for (let i = 0; i < v.length; i += BATCH) {
        out.op(OP.MARK)
        for (let j = i; j < Math.min(v.length, i + BATCH); j++) write(v[j], `${path}[${j}]`, depth + 1)
        out.op(OP.APPENDS)
      }
    } else {
      out.op(OP.EMPTY_DICT); memoize(v)
      const entries = Object.entries(v).filter(([, item]) => item !== undefined)
      for (let i = 0; i < entries.length; i += BATCH) {
        out.op(OP.MARK)
        for (const [key, item] of entries.slice(i, i + BATCH)) {
          writeStr(key, path)
          write(item, `${path}.${key}`, depth + 1)
        }
        out.op(OP.SETITEMS)
      }
    }
    onPath.delete(v)
  }

  write(value, '$', 0)
  out.op(OP.STOP)
  return out.result()
}
