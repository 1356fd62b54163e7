import t from 'tap'
import { bleachClean } from '../../../new-services/chat/bleach-clean.js'
import { collapseWhitespace, moderate, validateMessage } from '../../../new-services/chat/message-validation.js'

t.test('whitespace collapses like Python str.split()', async (t) => {
  t.equal(collapseWhitespace('  a\t\nb\u3000c\u001cd  '), 'a b c d')
})

t.test('validation: empty, oversize by code points, script-like', async (t) => {
  t.throws(() => validateMessage(' \n '), { code: 'VALIDATION_ERROR' })
  t.throws(() => validateMessage(undefined), { code: 'VALIDATION_ERROR' })
  t.equal(validateMessage('😀'.repeat(10_000)).length, 20_000, 'astral characters count once each')
  t.throws(() => validateMessage('😀'.repeat(10_001)), { code: 'VALIDATION_ERROR' })
  for (const bad of ['<SCRIPT>', 'JavaScript:x', 'onload =x', 'data:text/html,x', 'vbscript:x', '<iframe', '<embed', '<object']) {
    t.throws(() => validateMessage(bad), { message: '不正な内容が含まれています' }, bad)
  }
})

t.test('NG words are masked one star per character', async (t) => {
  t.same(moderate('死ねとか殺すとか'), { allowed: false, reason: 'inappropriate_word', filtered_text: '**とか**とか' })
  t.same(moderate('こんにちは'), { allowed: true, filtered_text: 'こんにちは' })
})

t.test('bleach: allowed tags kept bare, others stripped, text escaped', async (t) => {
  t.equal(bleachClean('A & B <b>bold</b> <strong class="x">s</strong>'), 'A &amp; B bold <strong>s</strong>')
  t.equal(bleachClean('<code class="lang-js">1 < 2</code>'), '<code class="lang-js">1 &lt; 2</code>')
  t.equal(bleachClean('<script>alert(1)</script>&amp;'), 'alert(1)&amp;')
})
