import { execFileSync } from 'node:child_process'
import t from 'tap'
import { PyFloat } from '../../../legacy-adapter/session/py-float.js'
import { createPickleCodec, jsonCodec, msgpackCodec, pickleCodec, valueCodecByName } from '../../../legacy-adapter/session/value-codec.js'
import { requirePython } from '../../helpers/requirements.js'
import { preferPythonWith } from './flask-fixture.js'

preferPythonWith('msgpack')

const SESSION = {
  chat_settings: { model: 'm', topic: '会議' },
  chat_history: [{ human: '[雑談開始]', ai: 'はい', timestamp: '2026-11-25T22:00:00' }],
  csrf_token_time: 1764100000.25,
  count: 3,
  wide: 2 ** 40,
  flag: false,
  none: null
}

t.test('every codec round-trips a session dict', async (t) => {
  for (const codec of [pickleCodec, msgpackCodec, jsonCodec]) {
    t.strictSame(codec.decode(codec.encode(SESSION)), SESSION, codec.name)
    t.equal(valueCodecByName(codec.name), codec)
  }
})

t.test('msgpack matches what Python msgpack (the wire format of Flask-Session 0.7+ msgspec) writes and reads', async (t) => {
  if (!requirePython(t, 'msgpack')) return
  const fromPython = execFileSync('python3', ['-c',
    'import msgpack, sys\nsys.stdout.buffer.write(msgpack.packb({"s": "日本語", "big": 2**64 - 1, "wide": 2**40, "f": 2.0, "b": b"\\x00", "l": [1, [2]], "n": None}, use_bin_type=True))'])
  t.strictSame(msgpackCodec.decode(fromPython), { s: '日本語', big: 2n ** 64n - 1n, wide: 2 ** 40, f: 2, b: Buffer.from([0]), l: [1, [2]], n: null })
  const back = execFileSync('python3', ['-c', 'import msgpack, sys\nprint(repr(msgpack.unpackb(sys.stdin.buffer.read(), raw=False)))'],
    { input: msgpackCodec.encode({ ...SESSION, big: 2n ** 63n, whole: new PyFloat(2), bytes: Buffer.from([1]) }) }).toString().trim()
  t.equal(back, "{'chat_settings': {'model': 'm', 'topic': '会議'}, 'chat_history': [{'human': '[雑談開始]', 'ai': 'はい', 'timestamp': '2026-11-25T22:00:00'}], " +
    "'csrf_token_time': 1764100000.25, 'count': 3, 'wide': 1099511627776, 'flag': False, 'none': None, 'big': 9223372036854775808, 'whole': 2, 'bytes': b'\\x01'}")
})

t.test('a value that is not a dict is a typed decode error', async (t) => {
  t.throws(() => pickleCodec.decode(Buffer.from([0x80, 4, 0x4e, 0x2e])), { code: 'LA_ERR_SESSION_DECODE', message: /not a dict/ })
  t.throws(() => msgpackCodec.decode(msgpackCodec.encode([1] as never)), { code: 'LA_ERR_SESSION_DECODE' })
  t.throws(() => jsonCodec.decode(Buffer.from('[1]')), { code: 'LA_ERR_SESSION_DECODE' })
  t.throws(() => jsonCodec.decode(Buffer.from('{"a":')), { code: 'LA_ERR_SESSION_DECODE', message: /json/ })
  t.throws(() => jsonCodec.decode(Buffer.from([0x7b, 0xff, 0x7d])), { code: 'LA_ERR_SESSION_DECODE' })
  t.throws(() => msgpackCodec.decode(Buffer.from([0xc1])), { code: 'LA_ERR_SESSION_DECODE', message: /msgpack/ })
})

t.test('encode errors are typed too', async (t) => {
  t.throws(() => jsonCodec.encode({ big: 1n }), { code: 'LA_ERR_SESSION_ENCODE' })
  t.throws(() => msgpackCodec.encode({ huge: 2n ** 70n }), { code: 'LA_ERR_SESSION_ENCODE' })
  t.throws(() => pickleCodec.encode({ d: new Date() }), { code: 'LA_ERR_PICKLE_UNSUPPORTED_VALUE' })
})

t.test('pickle codec options: whole floats kept as PyFloat on request', async (t) => {
  const codec = createPickleCodec({ preserveWholeFloats: true })
  t.strictSame(codec.decode(codec.encode({ f: new PyFloat(2), i: 2 })), { f: new PyFloat(2), i: 2 })
  t.strictSame(pickleCodec.decode(pickleCodec.encode({ f: new PyFloat(2) })), { f: 2 })
})
