import t from 'tap'
import { createSessionCookieCodec, MAX_SESSION_ID_CHARS } from '../../../legacy-adapter/session/cookie-codec.js'

// Produced by itsdangerous 2.1 exactly as Flask-Session 0.3.2 calls it:
// Signer(secret, salt='flask-session', key_derivation='hmac').sign(sid)
const VECTORS = [
  { secret: 'dev-secret-key-for-development-only', sid: '04911aea-fde0-466f-9370-b5131e29c6cc', cookie: '04911aea-fde0-466f-9370-b5131e29c6cc.FjtOiDnGAT1Y0A5lfwt9phN7bv4' },
  { secret: '日本-secret', sid: 'abc', cookie: 'abc.s3G2VP5tUaoqolnKUoV8HVxwjOM' }
]

t.test('signed cookies match itsdangerous byte for byte', async (t) => {
  for (const { secret, sid, cookie } of VECTORS) {
    const codec = createSessionCookieCodec({ signed: true, secret })
    t.equal(codec.serialize(sid), cookie)
    t.equal(codec.parse(cookie), sid)
  }
})

t.test('signed: anything not signed with the secret is no session', async (t) => {
  const { secret, sid, cookie } = VECTORS[0]
  const codec = createSessionCookieCodec({ signed: true, secret })
  const sigAt = sid.length + 1
  const bad = [
    undefined, '', '.', sid, `${sid}.`, `.${cookie.slice(sigAt)}`,
    cookie.slice(0, sigAt) + (cookie[sigAt] === 'A' ? 'B' : 'A') + cookie.slice(sigAt + 1),
    cookie + 'A', cookie.slice(0, -1), `${sid}x.${cookie.slice(sigAt)}`,
    createSessionCookieCodec({ signed: true, secret: 'other' }).serialize(sid),
    `${'a'.repeat(MAX_SESSION_ID_CHARS + 1)}.${cookie.slice(sigAt)}`,
    `ab c.${cookie.slice(sigAt)}`, `ab\u00ffc.${cookie.slice(sigAt)}`, 'x'.repeat(100_000)
  ]
  for (const value of bad) t.equal(codec.parse(value), null, `refuses ${JSON.stringify(value)?.slice(0, 60)}`)
})

t.test('signed: fallback secrets verify old cookies, new cookies use the current secret', async (t) => {
  const old = createSessionCookieCodec({ signed: true, secret: 'old-secret' })
  const codec = createSessionCookieCodec({ signed: true, secret: 'new-secret', fallbackSecrets: ['old-secret'] })
  t.equal(codec.parse(old.serialize('sid-1')), 'sid-1')
  t.equal(codec.serialize('sid-1'), createSessionCookieCodec({ signed: true, secret: 'new-secret' }).serialize('sid-1'))
})

t.test('signed without a secret is a configuration error', async (t) => {
  t.throws(() => createSessionCookieCodec({ signed: true }), { code: 'LA_ERR_SESSION_CONFIG' })
  t.throws(() => createSessionCookieCodec({ signed: true, secret: '' }), { code: 'LA_ERR_SESSION_CONFIG' })
})

t.test('unsigned: the cookie is the bare sid; implausible ids are no session', async (t) => {
  const codec = createSessionCookieCodec({ signed: false })
  t.equal(codec.serialize('04911aea-fde0-466f-9370-b5131e29c6cc'), '04911aea-fde0-466f-9370-b5131e29c6cc')
  t.equal(codec.parse('04911aea-fde0-466f-9370-b5131e29c6cc'), '04911aea-fde0-466f-9370-b5131e29c6cc')
  for (const value of [undefined, '', 'a b', 'a;b', '../etc', 'é', 'x'.repeat(MAX_SESSION_ID_CHARS + 1)]) {
    t.equal(codec.parse(value), null, `refuses ${JSON.stringify(value)?.slice(0, 40)}`)
  }
})
