/**
 * Prompts of the watch mode, where two models talk: A is 太郎, B is 花子. The "next" prompt
 * carries the whole transcript (watch is not limited to the last 5 entries).
 */
import type { LlmMessage } from './offline-llm.js'
import { describePartner, describeSituation, describeTopic } from './chat-prompts.js'

export type Speaker = 'A' | 'B'

export const SPEAKER_NAMES: Record<Speaker, string> = { A: '太郎', B: '花子' }

export interface WatchEntry {
  speaker: Speaker
  message: string
  timestamp: string
}

export function watchStartMessages (partnerType: string, situation: string, topic: string): LlmMessage[] {
  const system = [
    'あなたは太郎です。',
    `会話の相手は花子さん（${describePartner(partnerType)}）です。`,
    `状況：${describeSituation(situation)}`,
    `話題：${describeTopic(topic)}`,
    '・日本語のみ、3行以内で話す',
    '・相手を「花子さん」と呼ぶ',
    '・セリフのみを出力し、名前やト書きは書かない'
  ].join('\n')
  return [{ role: 'system', content: system }, { role: 'human', content: '会話を始めてください。' }]
}

export function watchNextMessages (history: WatchEntry[]): LlmMessage[] {
  const system = [
    'あなたは職場の会話の続きを話す参加者です。',
    '・直前の発言に自然に応答する',
    '・日本語のみ、3行以内',
    '・話者名は書かず、セリフのみを出力する'
  ].join('\n')
  const lines = history.map((entry) => `${SPEAKER_NAMES[entry.speaker]}: ${entry.message}`).join('\n')
  return [
    { role: 'system', content: system },
    { role: 'human', content: `以下の会話履歴に基づいて、次の発言をしてください：\n\n${lines}` }
  ]
}

/** Models sometimes start with a name; legacy strips one leading `太郎:` or `花子:`. */
export function stripSpeakerName (text: string): string {
  return text.replace(/^\s*(太郎|花子)\s*[:：]\s*/, '')
}

/** Legacy's quiz when it cannot generate one, which with no LLM wired is always. */
export const FALLBACK_QUIZ = {
  question: 'この会話で、相手との関係を良くするために最も効果的だった対応はどれでしょう？',
  choices: ['相手の話に共感を示す', '自分の意見だけを主張する', '話題をすぐに変える'],
  correct_answer: 0
}
