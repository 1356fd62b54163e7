/**
 * The stand-in's language model: no network, and the same message list always gives the same
 * reply, so shadow comparisons, golden files and load tests are repeatable. The reply is picked
 * from Japanese phrase pools by a SHA-256 of the messages; it sometimes quotes the user's last
 * message, so output sanitising (bleach) has something real to do.
 */
import { createHash } from 'node:crypto'

export type LlmRole = 'system' | 'human' | 'ai'

export interface LlmMessage {
  role: LlmRole
  content: string
}

/** What the routes need from a model: LangChain's `llm.invoke(messages).content`. */
export interface LegacyLlm {
  invoke (model: string, messages: LlmMessage[]): Promise<string>
}

const OPENERS = ['そうですね。', 'なるほど、', 'ありがとうございます。', 'いいですね！', 'うーん、', 'たしかに。', 'お疲れさまです。', 'わかります。']
const BODIES = [
  'それについてもう少し詳しく聞かせてもらえますか？',
  '私も最近同じようなことを考えていました。',
  '一度チームで話し合ってみるのはどうでしょう。',
  '無理のない範囲で進めていきましょう。',
  'その視点は大事だと思います。',
  '次の打ち合わせで共有してみませんか？',
  '具体的な例があるとわかりやすいですね。',
  'まずは小さく試してみるのが良さそうです。'
]
const CLOSERS = ['', 'よろしくお願いします。', '引き続きがんばりましょう。', 'また教えてください。']
const GOOD_POINTS = ['相手の話を最後まで聞けていました。', '要点を簡潔に伝えられていました。', '前向きな言葉選びができていました。', '相手への配慮が感じられました。']
const IMPROVEMENTS = ['結論を先に伝えるとさらに伝わりやすくなります。', '相手の意見を一度要約して確認してみましょう。', '具体的な期限や数字を添えてみましょう。', '質問で相手の考えを引き出してみましょう。']

const ECHO_CHARS = 20

function digestOf (messages: LlmMessage[]): Buffer {
  return createHash('sha256').update(JSON.stringify(messages.map((m) => [m.role, m.content]))).digest()
}

const pick = <T>(pool: readonly T[], byte: number): T => pool[byte % pool.length]

/** A feedback prompt is a single human message asking for an evaluation (評価). */
function isFeedbackPrompt (messages: LlmMessage[]): boolean {
  return messages.length === 1 && messages[0].role === 'human' && messages[0].content.includes('評価')
}

function feedbackReply (digest: Buffer): string {
  return [
    '## 総合評価', pick(OPENERS, digest[0]) + pick(BODIES, digest[1]), '',
    '### 良かった点', `- ${pick(GOOD_POINTS, digest[2])}`, '',
    '### 改善点', `- ${pick(IMPROVEMENTS, digest[3])}`, '',
    '### 次のステップ', `- ${pick(IMPROVEMENTS, digest[4] + 1)}`
  ].join('\n')
}

function conversationReply (digest: Buffer, messages: LlmMessage[]): string {
  const lastHuman = [...messages].reverse().find((m) => m.role === 'human')?.content ?? ''
  // Instructions (multi-line prompts) are not quoted, only what a person would have said.
  const quote = (digest[5] & 1) === 1 && lastHuman !== '' && !lastHuman.includes('\n')
    ? `「${[...lastHuman].slice(0, ECHO_CHARS).join('')}」ということですね。`
    : ''
  return pick(OPENERS, digest[0]) + quote + pick(BODIES, digest[1]) + pick(CLOSERS, digest[2])
}

export function offlineReply (messages: LlmMessage[]): string {
  const digest = digestOf(messages)
  return isFeedbackPrompt(messages) ? feedbackReply(digest) : conversationReply(digest, messages)
}

export function createOfflineLlm (): LegacyLlm {
  return {
    async invoke (_model, messages) {
      return offlineReply(messages)
    }
  }
}
