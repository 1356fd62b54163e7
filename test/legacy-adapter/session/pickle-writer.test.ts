import { execFileSync } from 'node:child_process'
import t from 'tap'
import { readPickle } from '../../../legacy-adapter/session/pickle-reader.js'
import { writePickle } from '../../../legacy-adapter/session/pickle-writer.js'
import { PyFloat } from '../../../legacy-adapter/session/py-float.js'
import { requirePython } from '../../helpers/requirements.js'

/** What CPython's pickle.loads makes of our bytes, as repr(), plus identity of the shared pair. */
function pythonRepr (pickle: Buffer): string {
  const script = 'import pickle, sys\nv = pickle.loads(sys.stdin.buffer.read())\nprint(repr(v))'
  return execFileSync('python3', ['-c', script], { input: pickle }).toString().trim()
}

const SESSION = {
  _permanent: true,
  csrf_token: '0123456789abcdef0123456789abcdef',
  csrf_token_time: 1764100000.25,
  chat_history: [{ human: '[雑談開始]', ai: 'こんにちは', timestamp: '2026-11-25T22:00:00' }],
  numbers: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER, 2n ** 64n, -(2n ** 100n), 1.5, new PyFloat(3), 2 ** 60],
  bytes: Buffer.from([0, 1, 255]),
  long: 'x'.repeat(300),
  none: null,
  skipped: undefined,
  list_of_undefined: [undefined]
}

const SESSION_REPR = "{'_permanent': True, 'csrf_token': '0123456789abcdef0123456789abcdef', 'csrf_token_time': 1764100000.25, " +
  "'chat_history': [{'human': '[雑談開始]', 'ai': 'こんにちは', 'timestamp': '2026-11-25T22:00:00'}], " +
  "'numbers': [0, 255, 256, 65535, 65536, -1, -2147483648, 2147483648, 9007199254740991, 18446744073709551616, -1267650600228229401496703205376, 1.5, 3.0, 1.152921504606847e+18], " +
  `'bytes': b'\\x00\\x01\\xff', 'long': '${'x'.repeat(300)}', 'none': None, 'list_of_undefined': [None]}`

t.test('CPython reads what we write, equal, with protocols 3, 4 and 5', async (t) => {
  if (!requirePython(t)) return
  for (const protocol of [3, 4, 5] as const) {
    t.equal(pythonRepr(writePickle(SESSION, { protocol })), SESSION_REPR, `protocol ${protocol}`)
  }
})

t.test('shared containers are memoized (one object in Python), and large lists batch', async (t) => {
  if (!requirePython(t)) return
  const shared = { k: [1] }
  const big = Array.from({ length: 2500 }, (_, i) => i)
  const script = 'import pickle, sys\nv = pickle.loads(sys.stdin.buffer.read())\nprint(v["a"] is v["b"], len(v["big"]), v["big"][-1], v["big"] == list(range(2500)))'
  const out = execFileSync('python3', ['-c', script], { input: writePickle({ a: shared, b: shared, big }) }).toString().trim()
  t.equal(out, 'True 2500 2499 True')
  t.equal(pythonRepr(writePickle({ a: shared, b: shared }, { protocol: 2 })), "{'a': {'k': [1]}, 'b': {'k': [1]}}", 'protocol 2 memo uses BINPUT')
})

t.test('our reader reads our writer back', async (t) => {
  const value = readPickle(writePickle(SESSION), { preserveWholeFloats: true }) as Record<string, unknown>
  const { skipped: _s, list_of_undefined: _l, ...expected } = SESSION
  t.strictSame(value, { ...expected, numbers: SESSION.numbers.map((n) => n === 2 ** 60 ? new PyFloat(2 ** 60) : n), list_of_undefined: [null] })
})

t.test('values Python data cannot hold are refused with the path', async (t) => {
  const refuse = (what: string, value: unknown, message: RegExp, protocol?: 2): void => {
    t.throws(() => writePickle(value, protocol === undefined ? {} : { protocol }), { code: 'LA_ERR_PICKLE_UNSUPPORTED_VALUE', message }, what)
  }
  refuse('a Date', { when: new Date() }, /instance of Date at \$\.when/)
  refuse('a function', { f: () => 1 }, /a function at \$\.f/)
  refuse('a symbol', [Symbol('s')], /a symbol at \$\[0\]/)
  refuse('a Map', { m: new Map() }, /Map/)
  refuse('a lone surrogate', { s: 'a\uD800b' }, /surrogate/)
  refuse('bytes in protocol 2', { b: Buffer.from('x') }, /protocol 3/, 2)
  const cyclic: Record<string, unknown> = {}
  cyclic.self = { back: cyclic }
  refuse('a cycle', cyclic, /contains itself at \$\.self\.back/)
  let deep: unknown[] = []
  for (let i = 0; i < 1000; i++) deep = [deep]
  refuse('absurd nesting', deep, /nesting deeper/)
})
