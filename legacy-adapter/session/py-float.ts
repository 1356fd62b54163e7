/**
 * JS has one number type and Python two. The codecs map Python int -> number (bigint beyond
 * Number.MAX_SAFE_INTEGER) and Python float -> number, and write a JS number back as an int when
 * it is a safe integer, as a float otherwise. A whole-valued float (3.0) would therefore come back
 * as int 3; wrap it in PyFloat to keep it a float. Readers return PyFloat for whole floats only
 * when asked (`preserveWholeFloats`), so by default callers see plain numbers.
 */
export class PyFloat {
  readonly value: number
  constructor (value: number) {
    this.value = value
  }

  valueOf (): number { return this.value }
  toJSON (): number { return this.value }
}
