/**
 * Bounds-checked reads over the pickle bytes. Every read checks the bytes left first, so a lying
 * length fails fast with LA_ERR_PICKLE_INVALID rather than allocating or reading past the end.
 */
import { PickleInvalidError } from './errors.js'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** PUT/GET arguments are decimal text lines; anything longer than this is not a memo index. */
const MAX_DECIMAL_LINE = 12

export class PickleCursor {
  pos = 0
  private readonly buf: Uint8Array

  constructor (buf: Uint8Array) {
    this.buf = buf
  }

  done (): boolean { return this.pos >= this.buf.length }

  private need (n: number): number {
    const start = this.pos
    if (n > this.buf.length - start) throw new PickleInvalidError(start, `needs ${n} more bytes but only ${this.buf.length - start} are left (truncated)`)
    this.pos += n
    return start
  }

  u8 (): number { return this.buf[this.need(1)] }

  unsignedLE (n: number): bigint {
    const start = this.need(n)
    let value = 0n
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.buf[start + i])
    return value
  }

  /** Two's complement little-endian, the encoding of BININT and LONG1/LONG4. */
  signedLE (n: number): bigint {
    if (n === 0) { this.need(0); return 0n }
    const start = this.need(n)
    let hex = ''
    for (let i = n - 1; i >= 0; i--) hex += this.buf[start + i].toString(16).padStart(2, '0')
    const value = BigInt('0x' + hex)
    return (this.buf[start + n - 1] & 0x80) !== 0 ? value - (1n << BigInt(8 * n)) : value
  }

  /** A length prefix, already checked to fit in what is left. */
  length (n: number): number {
    const at = this.pos
    const length = this.unsignedLE(n)
    if (length > BigInt(this.buf.length - this.pos)) throw new PickleInvalidError(at, `length ${length} is more than the ${this.buf.length - this.pos} bytes left (truncated)`)
    return Number(length)
  }

  frame (): void {
    this.length(8)
  }

  float64BE (): number {
    const start = this.need(8)
    return new DataView(this.buf.buffer, this.buf.byteOffset + start, 8).getFloat64(0, false)
  }

  bytes (n: number): Buffer {
    const start = this.need(n)
    return Buffer.from(this.buf.subarray(start, start + n))
  }

  utf8 (n: number): string {
    const start = this.need(n)
    try {
      return utf8.decode(this.buf.subarray(start, start + n))
    } catch (err) {
      throw new PickleInvalidError(start, 'a str that is not valid UTF-8', { cause: err })
    }
  }

  decimalLine (): number {
    const at = this.pos
    const window = this.buf.subarray(at, at + MAX_DECIMAL_LINE + 1)
    const newline = window.indexOf(0x0a)
    const end = newline === -1 ? -1 : at + newline
    if (end === -1 || end - at > MAX_DECIMAL_LINE) throw new PickleInvalidError(at, 'a memo index line that is missing or too long')
    const text = Buffer.from(this.buf.subarray(at, end)).toString('latin1')
    if (!/^\d+$/.test(text)) throw new PickleInvalidError(at, 'a memo index that is not a decimal number')
    this.pos = end + 1
    return Number(text)
  }
}
