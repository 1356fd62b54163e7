import zlib from 'node:zlib'
import t from 'tap'
import { BodyNotDecodable, BodyTooLargeToCompare, decodeBody } from '../../../../gateway/analysis/diff/decode-body.js'

const json = Buffer.from('{"response":"hello"}')

t.test('identity and missing encodings pass the bytes through', async (t) => {
  t.same(decodeBody(json, undefined), json)
  t.same(decodeBody(json, 'identity'), json)
})

t.test('gzip, br and deflate (zlib-wrapped and raw) decode', async (t) => {
  t.equal(decodeBody(zlib.gzipSync(json), 'gzip').toString(), json.toString())
  t.equal(decodeBody(zlib.gzipSync(json), 'X-GZIP').toString(), json.toString())
  t.equal(decodeBody(zlib.brotliCompressSync(json), 'br').toString(), json.toString())
  t.equal(decodeBody(zlib.deflateSync(json), 'deflate').toString(), json.toString())
  t.equal(decodeBody(zlib.deflateRawSync(json), 'deflate').toString(), json.toString())
})

t.test('a list of codings is undone in reverse order', async (t) => {
  const twice = zlib.brotliCompressSync(zlib.gzipSync(json))
  t.equal(decodeBody(twice, 'gzip, br').toString(), json.toString())
})

t.test('output past the cap throws BodyTooLargeToCompare, not an allocation', async (t) => {
  const bomb = zlib.gzipSync(Buffer.alloc(1024 * 1024))
  t.throws(() => decodeBody(bomb, 'gzip', 64 * 1024), BodyTooLargeToCompare)
  t.throws(() => decodeBody(Buffer.alloc(100), undefined, 10), BodyTooLargeToCompare)
})

t.test('corrupt input and unknown codings throw BodyNotDecodable', async (t) => {
  t.throws(() => decodeBody(Buffer.from('not gzip'), 'gzip'), BodyNotDecodable)
  t.throws(() => decodeBody(json, 'zstd-ish'), BodyNotDecodable)
})
