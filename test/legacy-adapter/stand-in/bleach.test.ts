import t from 'tap'
import { bleachClean } from '../../../legacy-adapter/stand-in/bleach.js'

t.test('text is entity-escaped, existing entities kept', async (t) => {
  t.equal(bleachClean('A & B < C > D'), 'A &amp; B &lt; C &gt; D')
  t.equal(bleachClean('&amp; &#39; &x'), '&amp; &#39; &amp;x')
})

t.test('allowed tags stay without attributes, others are stripped', async (t) => {
  t.equal(bleachClean('<p style="x">hi</p><br/><script>alert(1)</script>'), '<p>hi</p><br>alert(1)')
  t.equal(bleachClean('<STRONG>a</STRONG><a href="x">link</a>'), '<strong>a</strong>link')
  t.equal(bleachClean('<code class="python" id="x">x</code>'), '<code class="python">x</code>')
})
