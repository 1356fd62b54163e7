/**
 * The pickle opcodes (CPython Lib/pickle.py) sorted into what the safe reader accepts, what it
 * refuses because it would import a name or call code, and what it does not implement.
 */

/** Opcodes the reader executes: plain data, containers, the stack and the memo. */
export const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  BINFLOAT: 0x47, // G
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINUNICODE: 0x58, // X
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  APPEND: 0x61, // a
  DICT: 0x64, // d
  APPENDS: 0x65, // e
  GET: 0x67, // g
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  LIST: 0x6c, // l
  PUT: 0x70, // p
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_DICT: 0x7d, // }
  EMPTY_LIST: 0x5d, // ]
  EMPTY_TUPLE: 0x29, // )
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  BYTEARRAY8: 0x96
} as const

/** Opcodes that name a global or call something: refusing them is what makes the reader safe. */
export const FORBIDDEN_OPCODES: ReadonlyMap<number, string> = new Map([
  [0x63, 'GLOBAL'],
  [0x93, 'STACK_GLOBAL'],
  [0x52, 'REDUCE'],
  [0x62, 'BUILD'],
  [0x69, 'INST'],
  [0x6f, 'OBJ'],
  [0x81, 'NEWOBJ'],
  [0x92, 'NEWOBJ_EX'],
  [0x82, 'EXT1'],
  [0x83, 'EXT2'],
  [0x84, 'EXT4'],
  [0x50, 'PERSID'],
  [0x51, 'BINPERSID']
])

/** Real opcodes that are harmless but outside protocols 2-5 as Python 3 writes them. */
export const UNSUPPORTED_OPCODES: ReadonlyMap<number, string> = new Map([
  [0x49, 'INT'],
  [0x4c, 'LONG'],
  [0x46, 'FLOAT'],
  [0x53, 'STRING'],
  [0x54, 'BINSTRING'],
  [0x55, 'SHORT_BINSTRING'],
  [0x56, 'UNICODE'],
  [0x97, 'NEXT_BUFFER'],
  [0x98, 'READONLY_BUFFER']
])

export function opcodeName (op: number): string {
  for (const [name, code] of Object.entries(OP)) if (code === op) return name
  return FORBIDDEN_OPCODES.get(op) ?? UNSUPPORTED_OPCODES.get(op) ?? 'UNKNOWN'
}
