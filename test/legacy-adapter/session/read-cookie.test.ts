import { execFileSync } from 'node:child_process'
import t from 'tap'
import { MAX_COOKIE_HEADER_CHARS, readCookie } from '../../../legacy-adapter/session/read-cookie.js'
import { requirePython } from '../../helpers/requirements.js'
import { preferPythonWith } from './flask-fixture.js'

preferPythonWith('werkzeug')

const CASES: Array<[string, string | undefined]> = [
  ['session=abc', 'abc'],
  ['a=1; session=abc; session=def', 'abc'],
  ['  session = abc ; x=1', 'abc'],
  ['xsession=1; session=2', '2'],
  ['session="quoted\\"val"', 'quoted"val'],
  ['session="a;b"; x=1', 'a;b'],
  ['session="unterminated; x=1', '"unterminated'],
  ['session="abc" x; y=1', '"abc" x'],
  ['session="\\101bc"', 'Abc'],
  ['session', ''],
  ['session=; other=1', ''],
  [';;; session=x', 'x'],
  ['session=a=b', 'a=b'],
  ['session=abc   ', 'abc'],
  ['other=1', undefined],
  ['', undefined],
  ['=abc; session=ok', 'ok']
]

t.test('reads the first occurrence, trimmed and unquoted', async (t) => {
  for (const [header, expected] of CASES) t.equal(readCookie(header, 'session'), expected, JSON.stringify(header))
})

t.test('agrees with Werkzeug request.cookies.get on every case', async (t) => {
  if (!requirePython(t, 'werkzeug')) return
  const script = 'import json,sys\nfrom werkzeug.http import parse_cookie\n' +
    'print(json.dumps([parse_cookie(h).get("session") for h in json.load(sys.stdin)]))'
  const werkzeug = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(CASES.map(([h]) => h)) }).toString()) as Array<string | null>
  CASES.forEach(([header], i) => t.equal(readCookie(header, 'session') ?? null, werkzeug[i], JSON.stringify(header)))
})

t.test('absent, huge, non-UTF-8 and repeated headers are handled deterministically', async (t) => {
  t.equal(readCookie(undefined, 'session'), undefined)
  t.equal(readCookie(['a=1', 'session=first', 'session=second'], 'session'), 'first', 'joined header lines: first wins')
  t.equal(readCookie('x=' + 'y'.repeat(MAX_COOKIE_HEADER_CHARS) + '; session=a', 'session'), undefined, 'over the cap: not parsed')
  const almost = 'x=' + 'y'.repeat(MAX_COOKIE_HEADER_CHARS - 20) + '; session=a'
  t.equal(readCookie(almost, 'session'), 'a', 'just under the cap: parsed')
  // Node hands header bytes over as latin1: the value comes back as those characters, every time.
  const latin1 = Buffer.from([0x73, 0x65, 0x73, 0x73, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe, 0x80]).toString('latin1')
  t.equal(readCookie(latin1, 'session'), '\u00ff\u00fe\u0080')
  t.equal(readCookie('session=' + ';'.repeat(10_000), 'session'), '')
  t.equal(readCookie('"'.repeat(10_000) + '=1; session=b', 'session'), 'b')
})
