import t from 'tap'
import { issuePin, readPin, verifyPin } from '../../../../gateway/data-plane/routing/tester-pin.js'

const SECRET = 'pin-secret'
const NOW = Date.parse('2026-12-04T12:00:00Z')

t.test('a pin verifies with its secret until it expires', async (t) => {
  const { token, pin } = issuePin(SECRET, 'chat', 'new', 3600, NOW)
  t.match(token, /^v1\.chat\.new\.\d+\.[A-Za-z0-9_-]{43}$/)
  t.same(verifyPin(SECRET, token, NOW), { status: 'valid', pin })
  t.same(verifyPin(SECRET, token, NOW + 3_599_000), { status: 'valid', pin })
  t.same(verifyPin(SECRET, token, NOW + 3_600_000), { status: 'expired' })
})

t.test('a forged, altered or foreign pin is invalid; without a secret pins are off', async (t) => {
  const { token } = issuePin(SECRET, 'chat', 'legacy', 3600, NOW)
  t.same(verifyPin('other-secret', token, NOW), { status: 'invalid' }, 'signed with another secret')
  t.same(verifyPin(SECRET, token.replace('.legacy.', '.new.'), NOW), { status: 'invalid' }, 'side changed')
  const [v, feature, side, expires, mac] = token.split('.')
  t.same(verifyPin(SECRET, [v, feature, side, String(Number(expires) + 86400), mac].join('.'), NOW), { status: 'invalid' }, 'expiry pushed out')
  for (const junk of ['', 'v1', 'v2.chat.new.1.x', 'v1.Chat.new.1.x', 'v1.chat.both.1.x', 'v1.chat.new.soon.x', 'x'.repeat(600)]) {
    t.same(verifyPin(SECRET, junk, NOW), { status: 'invalid' }, JSON.stringify(junk.slice(0, 20)))
  }
  t.same(verifyPin(undefined, token, NOW), { status: 'disabled' })
  t.same(verifyPin('', token, NOW), { status: 'disabled' })
})

t.test('readPin takes the header first, then the sg_pin cookie', async (t) => {
  const a = issuePin(SECRET, 'chat', 'new', 60, NOW)
  const b = issuePin(SECRET, 'watch', 'legacy', 60, NOW)
  t.match(readPin({ 'x-gateway-pin': a.token, cookie: `sg_pin=${b.token}` }, SECRET, NOW), { status: 'valid', pin: { feature: 'chat' } })
  t.match(readPin({ cookie: `session=abc; sg_pin=${b.token}` }, SECRET, NOW), { status: 'valid', pin: { feature: 'watch' } })
  t.same(readPin({ cookie: 'session=abc' }, SECRET, NOW), { status: 'none' })
  t.same(readPin({}, undefined, NOW), { status: 'none' }, 'no pin: nothing to count, secret or not')
})
