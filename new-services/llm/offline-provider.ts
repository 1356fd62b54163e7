/**
 * A provider that needs no network: the reply is derived from a hash of the prompt, so the same
 * messages always give the same text. Used by the embedded default and by tests.
 */
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LlmProvider, LlmRequest } from './llm-types.js'

export interface OfflineProviderOptions {
  /** Pause before each chunk, so tests can watch a stream arrive piece by piece. */
  chunkDelayMs?: number
  /** How many pieces a streamed reply is cut into (at most). */
  chunks?: number
}

const OPENINGS = ['そうですね、', 'なるほど、', 'ありがとうございます。', 'いいですね！', 'わかりました。', 'たしかに、']
const MIDDLES = [
  'その点についてもう少し詳しく聞かせてもらえますか。',
  '私も最近同じようなことを考えていました。',
  'まずは状況を整理してみましょう。',
  'お互いに無理のない形で進められるといいですね。',
  'ちょっと意外でしたが、面白い視点だと思います。',
  'チームのみんなにも共有してみましょうか。'
]
const CLOSINGS = ['どう思いますか？', 'また教えてください。', '一緒に頑張りましょう。', 'よろしくお願いします。']

const GOOD_POINTS = ['相手の話を最後まで聞けていました。', '要点を簡潔に伝えられていました。', '前向きな言葉選びができていました。']
const IMPROVEMENTS = ['結論を先に伝えるとさらに伝わりやすくなります。', '相手の意見を一度要約して確認してみましょう。', '具体的な期限や数字を添えてみましょう。']
/** Only short user lines are quoted back; long ones are instructions or transcripts. */
const MAX_QUOTED_CHARS = 40

export function offlineReply (request: Pick<LlmRequest, 'model' | 'messages'>): string {
  const digest = createHash('sha256').update(JSON.stringify([request.model, request.messages])).digest()
  const last = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? ''
  if (request.messages.length === 1 && last.includes('評価')) {
    return [
      '## 総合評価', OPENINGS[digest[0] % OPENINGS.length] + MIDDLES[digest[1] % MIDDLES.length], '',
      '### 良かった点', `- ${GOOD_POINTS[digest[2] % GOOD_POINTS.length]}`, '',
      '### 改善点', `- ${IMPROVEMENTS[digest[3] % IMPROVEMENTS.length]}`
    ].join('\n')
  }
  const topic = last.includes('\n') || Array.from(last).length > MAX_QUOTED_CHARS ? '' : Array.from(last.replace(/\s+/g, ' ')).slice(0, 20).join('')
  return [
    OPENINGS[digest[0] % OPENINGS.length],
    topic === '' ? '' : `「${topic}」ですね。`,
    MIDDLES[digest[1] % MIDDLES.length],
    CLOSINGS[digest[2] % CLOSINGS.length],
    `（#${digest.subarray(3, 6).toString('hex')}）`
  ].join('')
}

/** Cuts text into at most `count` non-empty pieces whose concatenation is the text. */
export function splitIntoChunks (text: string, count: number): string[] {
  const chars = Array.from(text)
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, count)))
  const pieces: string[] = []
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''))
  return pieces
}

export function createOfflineProvider (options: OfflineProviderOptions = {}): LlmProvider {
  const chunkDelayMs = options.chunkDelayMs ?? 0
  const chunkCount = options.chunks ?? 4
  return {
    name: 'offline',
    async complete (request) {
      request.signal?.throwIfAborted()
      return offlineReply(request)
    },
    async * stream (request) {
      for (const piece of splitIntoChunks(offlineReply(request), chunkCount)) {
        if (chunkDelayMs > 0) await sleep(chunkDelayMs, undefined, { signal: request.signal })
        request.signal?.throwIfAborted()
        yield piece
      }
    }
  }
}
