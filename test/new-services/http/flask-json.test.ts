import t from 'tap'
import { flaskJsonBody, pythonJsonDumps } from '../../../new-services/http/flask-json.js'

t.test('sorted keys, compact separators, trailing newline', async (t) => {
  t.equal(flaskJsonBody({ b: 1, a: [true, null, { d: 'x', c: 2.5 }] }), '{"a":[true,null,{"c":2.5,"d":"x"}],"b":1}\n')
})

t.test('ensure_ascii: non-ASCII and DEL as lower-case \\u escapes, astral as surrogate pairs', async (t) => {
  t.equal(pythonJsonDumps('こんにちは'), '"\\u3053\\u3093\\u306b\\u3061\\u306f"')
  t.equal(pythonJsonDumps('a\u007fb'), '"a\\u007fb"')
  t.equal(pythonJsonDumps('😀'), '"\\ud83d\\ude00"')
  t.equal(pythonJsonDumps('tab\tnl\n"q"\\'), '"tab\\tnl\\n\\"q\\"\\\\"')
  t.equal(pythonJsonDumps('\u0001'), '"\\u0001"')
})

t.test('undefined members are left out like missing keys; exponents have two digits', async (t) => {
  t.equal(pythonJsonDumps({ a: undefined, b: 1 }), '{"b":1}')
  t.equal(pythonJsonDumps(1e-7), '1e-07')
})
