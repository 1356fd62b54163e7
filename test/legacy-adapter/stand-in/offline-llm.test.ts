import t from 'tap'
import { bleachClean } from '../../../legacy-adapter/stand-in/bleach.js'
import type { LlmMessage } from '../../../legacy-adapter/stand-in/offline-llm.js'
import { createOfflineLlm, offlineReply } from '../../../legacy-adapter/stand-in/offline-llm.js'

const conversation = (text: string): LlmMessage[] => [
  { role: 'system', content: 'あなたは同僚です。' },
  { role: 'human', content: text }
]

t.test('the same messages give the same reply, from any instance', async (t) => {
  const reply = await createOfflineLlm().invoke('gemini/gemini-1.5-flash', conversation('おはよう'))
  t.equal(await createOfflineLlm().invoke('ollama/x', conversation('おはよう')), reply)
  t.ok(reply.length > 0)
})

t.test('different prompts give different replies', async (t) => {
  const replies = new Set(Array.from({ length: 20 }, (_, i) => offlineReply(conversation(`メッセージ${i}`))))
  t.ok(replies.size > 5, `${replies.size} distinct replies for 20 prompts`)
})

t.test('some replies quote the user, which is what bleach then escapes', async (t) => {
  const quoting = Array.from({ length: 40 }, (_, i) => offlineReply(conversation(`A & B <b>${i}</b>`)))
    .find((reply) => reply.includes('A & B'))
  t.ok(quoting, 'a reply quotes the message')
  t.match(bleachClean(quoting ?? ''), /A &amp; B /)
})

t.test('a single evaluation prompt gets markdown feedback', async (t) => {
  const feedback = offlineReply([{ role: 'human', content: '以下の会話を評価してください' }])
  t.match(feedback, /^## 総合評価\n/)
  t.match(feedback, /### 改善点/)
})
