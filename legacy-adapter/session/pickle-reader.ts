/**
 * A pickle reader for plain data only (protocols 2 to 5 as CPython writes them). It is a small
 * stack machine over the opcodes in pickle-opcodes.ts that never imports, looks up or calls
 * anything: an opcode that would (GLOBAL, REDUCE, ...) stops the read with
 * LA_ERR_PICKLE_FORBIDDEN_OPCODE. Every length is checked against the bytes left, so truncated
 * or lying input fails with LA_ERR_PICKLE_INVALID instead of reading past the end or hanging.
 *
 * Python -> JS: dict -> object, list/tuple/set/frozenset -> array, str -> string, bytes and
 * bytearray -> Buffer, int -> number (bigint outside the safe range), float -> number (see
 * PyFloat), bool -> boolean, None -> null. Dict keys become strings (int keys in decimal,
 * True/False/None as json.dumps spells them).
 */
import { PickleForbiddenOpcodeError, PickleInvalidError, PickleUnsupportedOpcodeError } from './errors.js'
import { FORBIDDEN_OPCODES, OP, UNSUPPORTED_OPCODES, opcodeName } from './pickle-opcodes.js'
import { PyFloat } from './py-float.js'
import { checkValueShape, DEFAULT_MAX_DEPTH } from './value-shape.js'
import { PickleCursor } from './pickle-cursor.js'

export interface PickleReadOptions {
  /** Input larger than this is refused before reading (default 16 MiB). */
  maxBytes?: number
  /** Python ints wider than this many bytes are refused (default 1024, about 2,466 digits). */
  maxIntBytes?: number
  /** Deepest container nesting accepted (default 500). */
  maxDepth?: number
  /** Return whole-valued floats (3.0) as PyFloat so that writing them back keeps them floats. */
  preserveWholeFloats?: boolean
}

export const DEFAULT_MAX_PICKLE_BYTES = 16 * 1024 * 1024
export const DEFAULT_MAX_INT_BYTES = 1024
const HIGHEST_PROTOCOL = 5
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

type Dict = Record<string, unknown>

function setKey (dict: Dict, key: string, value: unknown): void {
  // A plain assignment to "__proto__" would replace the prototype instead of storing the key.
  if (key === '__proto__') Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true })
  else dict[key] = value
}

function keyString (key: unknown, at: number): string {
  if (typeof key === 'string') return key
  if (typeof key === 'number' || typeof key === 'bigint') return String(key)
  if (key instanceof PyFloat) return String(key.value)
  if (key === true) return 'true'
  if (key === false) return 'false'
  if (key === null) return 'null'
  throw new PickleInvalidError(at, 'a dict key that is not a str, int, float, bool or None')
}

export function readPickle (input: Uint8Array, options: PickleReadOptions = {}): unknown {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PICKLE_BYTES
  if (input.length > maxBytes) throw new PickleInvalidError(0, `input is ${input.length} bytes, more than the ${maxBytes} allowed`)
  const maxIntBytes = options.maxIntBytes ?? DEFAULT_MAX_INT_BYTES
  const cur = new PickleCursor(input)
  const stack: unknown[] = []
  const marks: number[] = []
  const memo = new Map<number, unknown>()
  const dicts = new WeakSet<object>()
  const lists = new WeakSet<object>()
  const sets = new WeakSet<object>()
  let at = 0

  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length === marks[marks.length - 1])) throw new PickleInvalidError(at, 'stack underflow')
    return stack.pop()
  }
  const top = (): unknown => {
    if (stack.length === 0) throw new PickleInvalidError(at, 'stack underflow')
    return stack[stack.length - 1]
  }
  const popMark = (): unknown[] => {
    const mark = marks.pop()
    if (mark === undefined) throw new PickleInvalidError(at, 'no MARK to pop to')
    return stack.splice(mark)
  }
  const containerBelowMark = (kind: WeakSet<object>, what: string): object => {
    const mark = marks[marks.length - 1]
    const target = mark === undefined || mark === 0 ? undefined : stack[mark - 1]
    if (typeof target !== 'object' || target === null || !kind.has(target)) throw new PickleInvalidError(at, `expected a ${what} below the MARK`)
    return target
  }
  const putDictItems = (dict: Dict, items: unknown[]): void => {
    if (items.length % 2 !== 0) throw new PickleInvalidError(at, 'odd number of items for a dict')
    for (let i = 0; i < items.length; i += 2) setKey(dict, keyString(items[i], at), items[i + 1])
  }
  const newDict = (): Dict => { const d: Dict = {}; dicts.add(d); return d }
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) throw new PickleInvalidError(at, `memo entry ${index} is not defined`)
    return memo.get(index)
  }
  const memoPut = (index: number): void => { memo.set(index, top()) }
  const readInt = (length: number): number | bigint => {
    if (length > maxIntBytes) throw new PickleInvalidError(at, `an int of ${length} bytes is wider than the ${maxIntBytes} allowed`)
    const big = cur.signedLE(length)
    return big >= -MAX_SAFE && big <= MAX_SAFE ? Number(big) : big
  }
  const readFloat = (): number | PyFloat => {
    const value = cur.float64BE()
    return options.preserveWholeFloats === true && Number.isInteger(value) ? new PyFloat(value) : value
  }

  while (!cur.done()) {
    at = cur.pos
    const op = cur.u8()
    switch (op) {
      case OP.PROTO: {
        const version = cur.u8()
        if (version > HIGHEST_PROTOCOL) throw new PickleInvalidError(at, `unsupported pickle protocol ${version}`)
        break
      }
      case OP.FRAME: cur.frame(); break
      case OP.STOP: {
        const result = pop()
        const problem = checkValueShape(result, options.maxDepth ?? DEFAULT_MAX_DEPTH)
        if (problem !== null) throw new PickleInvalidError(at, problem)
        return result
      }
      case OP.MARK: marks.push(stack.length); break
      case OP.POP: pop(); break
      case OP.POP_MARK: popMark(); break
      case OP.DUP: stack.push(top()); break
      case OP.NONE: stack.push(null); break
      case OP.NEWTRUE: stack.push(true); break
      case OP.NEWFALSE: stack.push(false); break
      case OP.BININT: stack.push(Number(cur.signedLE(4))); break
      case OP.BININT1: stack.push(cur.u8()); break
      case OP.BININT2: stack.push(Number(cur.unsignedLE(2))); break
      case OP.LONG1: stack.push(readInt(cur.u8())); break
      case OP.LONG4: {
        const length = Number(cur.signedLE(4))
        if (length < 0) throw new PickleInvalidError(at, 'negative LONG4 length')
        stack.push(readInt(length))
        break
      }
      case OP.BINFLOAT: stack.push(readFloat()); break
      case OP.SHORT_BINUNICODE: stack.push(cur.utf8(cur.u8())); break
      case OP.BINUNICODE: stack.push(cur.utf8(cur.length(4))); break
      case OP.BINUNICODE8: stack.push(cur.utf8(cur.length(8))); break
      case OP.SHORT_BINBYTES: stack.push(cur.bytes(cur.u8())); break
      case OP.BINBYTES: stack.push(cur.bytes(cur.length(4))); break
      case OP.BINBYTES8: case OP.BYTEARRAY8: stack.push(cur.bytes(cur.length(8))); break
      case OP.EMPTY_DICT: stack.push(newDict()); break
      case OP.EMPTY_LIST: { const l: unknown[] = []; lists.add(l); stack.push(l); break }
      case OP.EMPTY_TUPLE: stack.push([]); break
      case OP.EMPTY_SET: { const s: unknown[] = []; sets.add(s); stack.push(s); break }
      case OP.TUPLE1: stack.push([pop()]); break
      case OP.TUPLE2: { const b = pop(); const a = pop(); stack.push([a, b]); break }
      case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break }
      case OP.TUPLE: case OP.FROZENSET: stack.push(popMark()); break
      case OP.LIST: { const l = popMark(); lists.add(l); stack.push(l); break }
      case OP.DICT: { const items = popMark(); const d = newDict(); putDictItems(d, items); stack.push(d); break }
      case OP.APPEND: {
        const value = pop()
        const list = top()
        if (!Array.isArray(list) || !lists.has(list)) throw new PickleInvalidError(at, 'APPEND to something that is not a list')
        list.push(value)
        break
      }
      case OP.APPENDS: {
        const list = containerBelowMark(lists, 'list') as unknown[]
        for (const item of popMark()) list.push(item)
        break
      }
      case OP.ADDITEMS: {
        const set = containerBelowMark(sets, 'set') as unknown[]
        for (const item of popMark()) set.push(item)
        break
      }
      case OP.SETITEM: {
        const value = pop()
        const key = pop()
        const dict = top()
        if (typeof dict !== 'object' || dict === null || !dicts.has(dict)) throw new PickleInvalidError(at, 'SETITEM on something that is not a dict')
        setKey(dict as Dict, keyString(key, at), value)
        break
      }
      case OP.SETITEMS: {
        const dict = containerBelowMark(dicts, 'dict') as Dict
        putDictItems(dict, popMark())
        break
      }
      case OP.PUT: memoPut(cur.decimalLine()); break
      case OP.BINPUT: memoPut(cur.u8()); break
      case OP.LONG_BINPUT: memoPut(Number(cur.unsignedLE(4))); break
      case OP.MEMOIZE: memoPut(memo.size); break
      case OP.GET: stack.push(memoGet(cur.decimalLine())); break
      case OP.BINGET: stack.push(memoGet(cur.u8())); break
      case OP.LONG_BINGET: stack.push(memoGet(Number(cur.unsignedLE(4)))); break
      default: {
        const hex = op.toString(16).padStart(2, '0')
        if (FORBIDDEN_OPCODES.has(op)) throw new PickleForbiddenOpcodeError(opcodeName(op), hex, at)
        if (UNSUPPORTED_OPCODES.has(op)) throw new PickleUnsupportedOpcodeError(opcodeName(op), hex, at)
        throw new PickleInvalidError(at, `unknown opcode 0x${hex}`)
      }
    }
  }
  throw new PickleInvalidError(cur.pos, 'input ends before the STOP opcode (truncated)')
}
