import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { readPickle } from '../../../legacy-adapter/session/pickle-reader.js'
import { PyFloat } from '../../../legacy-adapter/session/py-float.js'
import { requirePython } from '../../helpers/requirements.js'

/** Runs a Python snippet that prints {name: base64 pickle}; the bytes are made by CPython itself. */
function pythonPickles (code: string): Record<string, Buffer> {
  const script = `import base64, json, pickle, os\nout = {}\n${code}\nprint(json.dumps({k: base64.b64encode(v).decode() for k, v in out.items()}))`
  const json = JSON.parse(execFileSync('python3', ['-c', script]).toString()) as Record<string, string>
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, Buffer.from(v, 'base64')]))
}

const bytes = (...b: Array<number | string>): Buffer =>
  Buffer.concat(b.map((x) => typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from([x])))

const COMMON_PY = `{
  's': '日本語 ♨️', 'empty': '', 'long_str': 'あ' * 100,
  'ints': [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**53 - 1, -(2**53 - 1)],
  'bigs': [2**53, -2**63, 2**100],
  'floats': [0.5, -1.25, 2.0, 1e300, -0.0],
  'tuples': [(), (1,), (1, 2), (1, 2, 3), tuple(range(5))],
  'none': None, 'bools': [True, False], 'nested': {'a': [{'b': {}}]},
  'big_list': list(range(2000)), 1: 'int key', None: 'none key'
}`

const COMMON_JS = {
  s: '日本語 ♨️',
  empty: '',
  long_str: 'あ'.repeat(100),
  ints: [0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
  bigs: [2n ** 53n, -(2n ** 63n), 2n ** 100n],
  floats: [0.5, -1.25, 2, 1e300, -0],
  tuples: [[], [1], [1, 2], [1, 2, 3], [0, 1, 2, 3, 4]],
  none: null,
  bools: [true, false],
  nested: { a: [{ b: {} }] },
  big_list: Array.from({ length: 2000 }, (_, i) => i),
  1: 'int key',
  null: 'none key'
}

t.test('reads what CPython pickles with protocols 2 to 5', async (t) => {
  if (!requirePython(t)) return
  const pickles = pythonPickles(`v = ${COMMON_PY}\nx = {'k': 1}\nv['shared'] = [x, x]\nfor p in (2, 3, 4, 5): out[str(p)] = pickle.dumps(v, p)`)
  for (const protocol of ['2', '3', '4', '5']) {
    const value = readPickle(pickles[protocol]) as Record<string, unknown>
    const { shared, ...rest } = value
    t.strictSame(rest, COMMON_JS, `protocol ${protocol}`)
    const pair = shared as object[]
    t.equal(pair[0], pair[1], `protocol ${protocol}: the memo shares one object, as Python does`)
  }
})

t.test('protocols 4 and 5 also carry bytes, sets and bytearray as plain opcodes', async (t) => {
  if (!requirePython(t)) return
  const pickles = pythonPickles("out['4'] = pickle.dumps({'b': b'\\x00\\xff', 'set': {3}, 'fs': frozenset([4])}, 4)\nout['5'] = pickle.dumps({'ba': bytearray(b'xy'), 'f': 3.0}, 5)")
  t.strictSame(readPickle(pickles['4']), { b: Buffer.from([0, 255]), set: [3], fs: [4] })
  t.strictSame(readPickle(pickles['5']), { ba: Buffer.from('xy'), f: 3 })
  t.strictSame(readPickle(pickles['5'], { preserveWholeFloats: true }), { ba: Buffer.from('xy'), f: new PyFloat(3) })
})

t.test('a payload that would run os.system is refused by name and never runs', async (t) => {
  if (!requirePython(t)) return
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-pickle-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const marker = path.join(dir, 'pwned')
  const pickles = pythonPickles(`
class Evil:
    def __reduce__(self):
        return (os.system, (${JSON.stringify('touch ' + marker)},))
for p in range(0, 6): out[str(p)] = pickle.dumps(Evil(), p)
for p in range(2, 6): out['in a dict, protocol ' + str(p)] = pickle.dumps({'chat_history': [], 'x': Evil()}, p)`)
  for (const [protocol, payload] of Object.entries(pickles)) {
    t.ok(payload.includes(Buffer.from('system')), `protocol ${protocol} payload names os.system`)
    t.throws(() => readPickle(payload), {
      code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE',
      message: /[45]$/.test(protocol) ? /STACK_GLOBAL/ : /\bGLOBAL\b/
    }, `protocol ${protocol} refused`)
  }
  t.throws(() => readPickle(bytes(0x80, 2, ')', 'R', '.')), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE', message: /REDUCE/ })
  t.throws(() => readPickle(bytes(0x80, 2, '}', 'b', '.')), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE', message: /BUILD/ })
  t.throws(() => readPickle(bytes(0x80, 2, 0x82, 1, '.')), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE', message: /EXT1/ })
  t.throws(() => readPickle(bytes('Pid\n.')), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE', message: /PERSID/ })
  t.notOk(existsSync(marker), 'nothing was executed')
})

t.test('truncated input fails at every cut with a typed error', async (t) => {
  const body = bytes('}', 0x94, '(', 0x8c, 1, 'a', 'X', 3, 0, 0, 0, 'abc', 0x8c, 1, 'b', 'G', 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 'u', '.')
  const full = Buffer.concat([bytes(0x80, 4, 0x95, body.length, 0, 0, 0, 0, 0, 0, 0), body])
  t.strictSame(readPickle(full), { a: 'abc', b: 1 }, 'the uncut pickle is fine')
  for (let cut = 0; cut < full.length; cut++) {
    t.throws(() => readPickle(full.subarray(0, cut)), { code: 'LA_ERR_PICKLE_INVALID' }, `cut at ${cut}`)
  }
})

t.test('lying lengths, bad structure and unknown opcodes are typed errors', async (t) => {
  const invalid = (what: string, buf: Buffer, message?: RegExp): void => {
    t.throws(() => readPickle(buf), { code: 'LA_ERR_PICKLE_INVALID', ...(message === undefined ? {} : { message }) }, what)
  }
  invalid('BINUNICODE of 4 GiB', bytes(0x80, 4, 'X', 0xff, 0xff, 0xff, 0xff, 'a.'), /truncated/)
  invalid('BINUNICODE8 of 2^63', bytes(0x80, 4, 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80, 'a.'), /truncated/)
  invalid('FRAME beyond the end', bytes(0x80, 4, 0x95, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 'N.'))
  invalid('LONG4 too wide', Buffer.concat([bytes(0x8b, 0, 0x10, 0, 0), Buffer.alloc(4096), bytes('.')]), /wider/)
  invalid('negative LONG4 length', bytes(0x8b, 0xff, 0xff, 0xff, 0xff, '.'))
  invalid('protocol 6', bytes(0x80, 6, 'N.'), /protocol 6/)
  invalid('no STOP', bytes(0x80, 4, 'N'), /STOP/)
  invalid('empty input', Buffer.alloc(0))
  invalid('STOP on an empty stack', bytes('.'))
  invalid('APPEND to a dict', bytes('}', 'N', 'a', '.'))
  invalid('SETITEM on a tuple', bytes(')', 'N', 'N', 's', '.'))
  invalid('SETITEMS with an odd count', bytes('}', '(', 'N', 'u', '.'))
  invalid('POP_MARK without MARK', bytes('N1.'))
  invalid('GET of an undefined memo entry', bytes('h', 7, '.'))
  invalid('text PUT that is not a number', bytes('Np-1\n.'))
  invalid('invalid UTF-8', bytes(0x8c, 2, 0xc3, 0x28, '.'), /UTF-8/)
  invalid('a tuple as dict key', bytes('}', ')', 'N', 's', '.'), /dict key/)
  invalid('unknown opcode', bytes(0xff), /unknown opcode 0xff/)
  t.throws(() => readPickle(Buffer.alloc(100), { maxBytes: 10 }), { code: 'LA_ERR_PICKLE_INVALID', message: /more than the 10 allowed/ })
  t.throws(() => readPickle(bytes('I1\n.')), { code: 'LA_ERR_PICKLE_UNSUPPORTED_OPCODE', message: /INT/ })
})

t.test('cycles and absurd nesting are refused; shared structure stays linear', async (t) => {
  t.throws(() => readPickle(bytes(0x80, 4, ']', 0x94, 'h', 0, 'a', '.')), { code: 'LA_ERR_PICKLE_INVALID', message: /cycle/ })
  const depth = 10_000
  const deep = Buffer.concat([bytes(0x80, 4), Buffer.alloc(depth, ']'), Buffer.alloc(depth - 1, 'a'), bytes('.')])
  t.throws(() => readPickle(deep), { code: 'LA_ERR_PICKLE_INVALID', message: /nesting deeper than 500/ })
  // [a, a] nested 200 times: 2^200 paths, 200 containers. A naive walk would never finish.
  const parts = [bytes(0x80, 4, ']', 0x94)]
  for (let i = 0; i < 200; i++) parts.push(bytes('(', 'h', i, 'h', i, 'l', 0x94))
  const lattice = Buffer.concat([...parts.slice(0, 256), bytes('.')])
  const value = readPickle(lattice.subarray(0), { maxDepth: 300 }) as unknown[]
  t.equal(value.length, 2)
  t.equal(value[0], value[1])
})

t.test('a "__proto__" key is stored as data and pollutes nothing', async (t) => {
  const buf = bytes(0x80, 4, '}', 0x8c, 9, '__proto__', '}', 0x8c, 8, 'polluted', 0x88, 's', 's', '.')
  const value = readPickle(buf) as Record<string, unknown>
  t.ok(Object.prototype.hasOwnProperty.call(value, '__proto__'))
  t.strictSame(Object.getPrototypeOf(value), Object.prototype)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})
