import t from 'tap'
import Fastify from 'fastify'
import { flaskJsonBody, pythonJsonDumps, sendFlaskJson } from '../../../legacy-adapter/stand-in/flask-json.js'

t.test('keys are sorted at every level and output is compact', async (t) => {
  t.equal(pythonJsonDumps({ b: 1, a: { d: [1, { z: null, y: true }], c: 'x' } }),
    '{"a":{"c":"x","d":[1,{"y":true,"z":null}]},"b":1}')
})

t.test('non-ASCII is \\u-escaped in lower-case hex, astral characters as surrogate pairs', async (t) => {
  t.equal(pythonJsonDumps('ストリーム'), '"\\u30b9\\u30c8\\u30ea\\u30fc\\u30e0"')
  t.equal(pythonJsonDumps('😀'), '"\\ud83d\\ude00"')
  t.equal(pythonJsonDumps('\u007f\u00e9'), '"\\u007f\\u00e9"', 'DEL is escaped too, as Python does')
  t.equal(pythonJsonDumps('a"b\\c\n\u0001'), '"a\\"b\\\\c\\n\\u0001"')
})

t.test('numbers and special values as Python writes them', async (t) => {
  t.equal(pythonJsonDumps(3600), '3600')
  t.equal(pythonJsonDumps(1e-7), '1e-07')
  t.equal(pythonJsonDumps(0.5), '0.5')
  t.equal(pythonJsonDumps(Number.NaN), 'NaN')
  t.equal(pythonJsonDumps(12345678901234567890n), '12345678901234567890')
  t.equal(pythonJsonDumps({ a: undefined, b: null }), '{"b":null}', 'undefined keys are left out')
})

t.test('keys sort by code point, as Python does', async (t) => {
  // U+FF21 sorts before U+1F600 by code point, after it by UTF-16 unit.
  t.equal(pythonJsonDumps({ '😀': 1, Ａ: 2 }), '{"\\uff21":2,"\\ud83d\\ude00":1}')
})

t.test('jsonify appends a newline and the reply carries the bare application/json type', async (t) => {
  t.equal(flaskJsonBody({ ok: true }), '{"ok":true}\n')
  const app = Fastify()
  app.get('/', async (_request, reply) => sendFlaskJson(reply, 201, { 日本: '語' }))
  t.teardown(() => app.close())
  const response = await app.inject({ url: '/' })
  t.equal(response.statusCode, 201)
  t.equal(response.headers['content-type'], 'application/json')
  t.equal(response.body, '{"\\u65e5\\u672c":"\\u8a9e"}\n')
})
