/**
 * Random and mutated bytes into every decoder. The only acceptable outcomes are a decoded value
 * or one of this layer's typed errors: never a foreign exception, a crash or a hang (tap's
 * timeout catches a hang). The generator is seeded, so a failure names the input that caused it.
 */
import t from 'tap'
import { createSessionCookieCodec } from '../../../legacy-adapter/session/cookie-codec.js'
import { isLegacySessionError } from '../../../legacy-adapter/session/errors.js'
import { readCookie } from '../../../legacy-adapter/session/read-cookie.js'
import { jsonCodec, msgpackCodec, pickleCodec, type ValueCodec } from '../../../legacy-adapter/session/value-codec.js'

const SEED = Number(process.env.FUZZ_SEED ?? 0x5e55)
const ITERATIONS = 3000

function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

const SAMPLE = {
  _permanent: true,
  csrf_token: '0123456789abcdef0123456789abcdef',
  chat_history: [{ human: '[雑談開始]', ai: 'こんにちは', timestamp: '2026-11-25T22:00:00' }, { human: 'x', ai: 'y', timestamp: 'z' }],
  scenario_history: { s1: [{ human: '[シナリオ開始]', ai: 'a', timestamp: 't' }] },
  numbers: [0, 300, 70000, -5, 2 ** 40, 1.5],
  shared: [[1], [1]]
}

/** Opcodes and argument-ish bytes, so random pickles get past the first byte more often. */
const PICKLE_ALPHABET = [0x80, 0x04, 0x05, 0x95, 0x28, 0x2e, 0x30, 0x31, 0x32, 0x47, 0x4a, 0x4b, 0x4d, 0x4e, 0x58, 0x42, 0x43,
  0x61, 0x64, 0x65, 0x67, 0x68, 0x6a, 0x6c, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x7d, 0x5d, 0x29, 0x85, 0x86, 0x87, 0x88, 0x89,
  0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x94, 0x96, 0x00, 0x01, 0x02, 0xff, 0x0a, 0x31]

function mutate (rand: () => number, input: Buffer): Buffer {
  const bytes = [...input]
  const edits = 1 + Math.floor(rand() * 4)
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (bytes.length + 1))
    const kind = rand()
    if (kind < 0.4) bytes[at % Math.max(1, bytes.length)] = Math.floor(rand() * 256)
    else if (kind < 0.6) bytes.splice(at, 0, Math.floor(rand() * 256))
    else if (kind < 0.8) bytes.splice(at, 1)
    else bytes.length = at
  }
  return Buffer.from(bytes)
}

function fuzzCodec (codec: ValueCodec, alphabet?: number[]): { failures: string[], decoded: number } {
  const rand = prng(SEED)
  const valid = codec.encode(SAMPLE)
  const failures: string[] = []
  let decoded = 0
  for (let i = 0; i < ITERATIONS; i++) {
    const mode = i % 3
    const input = mode === 0
      ? mutate(rand, valid)
      : Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () =>
        mode === 2 && alphabet !== undefined ? alphabet[Math.floor(rand() * alphabet.length)] : Math.floor(rand() * 256)))
    try {
      const value = codec.decode(input)
      decoded++
      codec.encode(value)
    } catch (err) {
      if (!isLegacySessionError(err)) failures.push(`${input.toString('hex')}: ${String(err)}`)
    }
  }
  return { failures, decoded }
}

const ALPHABETS: Array<[ValueCodec, number[] | undefined]> = [
  [pickleCodec, PICKLE_ALPHABET],
  [msgpackCodec, undefined],
  [jsonCodec, [...Buffer.from('{}[]":,0123456789.eE-+truefalsnl\\u ')]]
]

for (const [codec, alphabet] of ALPHABETS) {
  t.test(`${codec.name} decoder`, async (t) => {
    const { failures, decoded } = fuzzCodec(codec, alphabet)
    t.strictSame(failures.slice(0, 5), [], `${ITERATIONS} inputs (seed ${SEED}), ${decoded} decoded, no untyped error`)
  })
}

t.test('cookie codecs and readCookie never throw', async (t) => {
  const rand = prng(SEED)
  const signed = createSessionCookieCodec({ signed: true, secret: 's3cret' })
  const unsigned = createSessionCookieCodec({ signed: false })
  const chars = 'abcAZ09-_.;=" \\\u00ff\u3042\uD800'
  const valid = signed.serialize('04911aea-fde0-466f-9370-b5131e29c6cc')
  const failures: string[] = []
  let accepted = 0
  for (let i = 0; i < ITERATIONS; i++) {
    const value = i % 2 === 0
      ? mutate(rand, Buffer.from(valid, 'latin1')).toString('latin1')
      : Array.from({ length: Math.floor(rand() * 80) }, () => chars[Math.floor(rand() * chars.length)]).join('')
    try {
      const sid = signed.parse(value)
      if (sid !== null) {
        accepted++
        if (signed.serialize(sid) !== value) failures.push(`accepted a cookie it would not issue: ${value}`)
      }
      unsigned.parse(value)
      readCookie(value, 'session')
      readCookie(`session=${value}; session=x`, 'session')
    } catch (err) {
      failures.push(`${JSON.stringify(value)}: ${String(err)}`)
    }
  }
  t.strictSame(failures.slice(0, 5), [], `${ITERATIONS} values (seed ${SEED}) never throw`)
  t.ok(accepted < ITERATIONS / 2, `forgeries are refused (${accepted} of ${ITERATIONS} mutations left the cookie intact)`)
})
