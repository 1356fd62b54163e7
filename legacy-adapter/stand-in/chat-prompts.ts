/**
 * Prompts of the free chat (雑談) mode. The wording is the stand-in's own; what matters for the
 * contract is the message layout: system prompt, the last 5 exchanges, then the new message.
 */
import type { LlmMessage } from './offline-llm.js'

export interface HistoryEntry {
  human: string
  ai: string
  timestamp: string
}

const PARTNERS: Record<string, string> = {
  colleague: '同年代の同僚',
  senior: '入社5年目の先輩社員',
  junior: '入社1年目の後輩社員',
  boss: '直属の上司（課長）',
  client: '取引先の担当者'
}
const SITUATIONS: Record<string, string> = {
  lunch: 'ランチ休憩中',
  break: '休憩スペースでの小休憩',
  morning: '朝の始業前',
  evening: '終業後の帰り支度の時間',
  party: '社内の懇親会'
}
const TOPICS: Record<string, string> = {
  general: '天気や週末の予定などの一般的な話題',
  hobby: '趣味',
  news: '最近のニュース',
  food: '食べ物やおすすめのお店',
  work: '仕事の近況'
}

/** Unknown values fall back to generic descriptions, as in legacy. */
export const describePartner = (key: string): string => PARTNERS[key] ?? '職場の相手'
export const describeSituation = (key: string): string => SITUATIONS[key] ?? '職場での何気ない時間'
export const describeTopic = (key: string): string => TOPICS[key] ?? '自由な話題'

export function chatSystemPrompt (partnerType: string, situation: string, topic: string): string {
  return [
    `あなたは${describePartner(partnerType)}です。`,
    `状況：${describeSituation(situation)}`,
    `話題：${describeTopic(topic)}`,
    'ユーザーと自然な雑談をしてください。',
    '・日本語で、2〜3文で話す',
    '・相手の発言に共感し、ときどき質問を返す',
    '・セリフのみを出力し、ト書きや解説は書かない'
  ].join('\n')
}

export const CHAT_START_INSTRUCTION = '上記の設定で、あなたから雑談を始めてください。最初の一言だけを話してください。'

export const CHAT_START_MARKER = '[雑談開始]'
export const SCENARIO_START_MARKER = '[シナリオ開始]'

/** LangChain history: each stored exchange becomes a Human and an AI message. */
export function historyMessages (history: HistoryEntry[], maxEntries = 5): LlmMessage[] {
  return history.slice(-maxEntries).flatMap((entry): LlmMessage[] => [
    { role: 'human', content: entry.human },
    { role: 'ai', content: entry.ai }
  ])
}

/** The transcript lines feedback prompts embed, without the start markers. */
export function transcript (history: HistoryEntry[], userLabel = 'ユーザー', aiLabel = 'AI'): string {
  const lines: string[] = []
  for (const entry of history) {
    if (entry.human !== CHAT_START_MARKER && entry.human !== SCENARIO_START_MARKER) lines.push(`${userLabel}: ${entry.human}`)
    lines.push(`${aiLabel}: ${entry.ai}`)
  }
  return lines.join('\n')
}

export function chatFeedbackPrompt (partnerType: string, situation: string, history: HistoryEntry[]): string {
  return [
    '以下は職場での雑談練習の記録です。ユーザーのコミュニケーションを評価してください。',
    `相手：${describePartner(partnerType)}`,
    `状況：${describeSituation(situation)}`,
    '',
    transcript(history),
    '',
    '良かった点、改善点、次のステップをマークダウンで簡潔にまとめてください。'
  ].join('\n')
}
