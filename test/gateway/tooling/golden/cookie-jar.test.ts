/** The runner's cookie jar keeps what a browser would send back to the one host. */
import t from 'tap'
import { CookieJar } from '../../../../gateway/tooling/golden/cookie-jar.js'

t.test('keeps, replaces and removes cookies as Set-Cookie says', async (t) => {
  const jar = new CookieJar()
  t.equal(jar.header(), undefined)
  jar.store(['session=abc; Expires=Wed, 01 Jan 2999 00:00:00 GMT; HttpOnly; Path=/', 'theme=dark'])
  t.equal(jar.header(), 'session=abc; theme=dark')
  jar.store('session=def; Path=/')
  t.equal(jar.get('session'), 'def', 'a new value replaces the old')
  jar.store('theme=; Max-Age=0')
  jar.store('session=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  t.equal(jar.header(), undefined, 'an empty value, Max-Age=0 and a past Expires remove it')
  jar.store(['=novalue', 'broken'])
  t.equal(jar.header(), undefined, 'lines without a name are ignored')
})
