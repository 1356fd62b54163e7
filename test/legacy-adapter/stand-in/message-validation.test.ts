import t from 'tap'
import { LegacyAppError } from '../../../legacy-adapter/stand-in/app-errors.js'
import { collapseWhitespace, moderate, validateChatMessage } from '../../../legacy-adapter/stand-in/message-validation.js'

t.test('whitespace collapses as " ".join(text.split())', async (t) => {
  t.equal(collapseWhitespace('  a \t b\n\nc  '), 'a b c')
  t.equal(collapseWhitespace('全角\u3000スペース'), '全角 スペース', 'ideographic space is whitespace in Python')
  t.equal(collapseWhitespace(' \n '), '')
})

t.test('validation errors are VALIDATION_ERROR 400', async (t) => {
  for (const bad of ['   ', 'x'.repeat(10_001), '<script>x', 'JavaScript:alert(1)', 'a onclick= b', 'data:text/html,x', 'vbscript:x', '<iframe', '<embed', '<object']) {
    t.throws(() => validateChatMessage(bad), { code: 'VALIDATION_ERROR', status: 400 }, JSON.stringify(bad.slice(0, 20)))
  }
  t.ok((() => { try { validateChatMessage('') } catch (err) { return err instanceof LegacyAppError } })())
})

t.test('the 10,000 limit counts code points, after collapsing', async (t) => {
  t.equal(validateChatMessage('😀'.repeat(10_000)).length, 20_000, '10,000 astral characters pass')
  t.equal(validateChatMessage(`  ${'a'.repeat(10_000)}   `), 'a'.repeat(10_000), 'surrounding whitespace does not count')
})

t.test('NG words are masked one star per character', async (t) => {
  t.same(moderate('ばかだな'), { allowed: false, reason: 'inappropriate_word', filtered_text: '**だな' })
  t.same(moderate('死ねとか殺すとか'), { allowed: false, reason: 'inappropriate_word', filtered_text: '**とか**とか' })
  t.same(moderate('こんにちは'), { allowed: true, filtered_text: 'こんにちは' })
})
