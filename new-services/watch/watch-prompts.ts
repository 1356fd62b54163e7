/** Prompts of the watch mode: two AI colleagues, 太郎 (A) and 花子 (B), talk to each other. */

export const SPEAKER_NAMES = { A: '太郎', B: '花子' } as const
export type Speaker = keyof typeof SPEAKER_NAMES

export interface WatchEntry {
  speaker: Speaker
  message: string
  timestamp: string
}

const PARTNERS: Record<string, string> = {
  colleague: '同僚', senior: '先輩', junior: '後輩', boss: '上司', client: '取引先の担当者'
}

export const WATCH_START_INSTRUCTION = '会話を始めてください。'

export function watchOpeningSystemPrompt (partnerType: string, situation: string, topic: string): string {
  return [
    `あなたは会社員の${SPEAKER_NAMES.A}です。相手の${SPEAKER_NAMES.B}さんは${PARTNERS[partnerType] ?? '職場の人'}です。`,
    `状況: ${situation}`, `話題: ${topic}`,
    `日本語で3行以内、${SPEAKER_NAMES.B}さんに話しかけてください。セリフのみを出力してください。`
  ].join('\n')
}

export const WATCH_CONTINUE_SYSTEM_PROMPT =
  'あなたは職場の会話の参加者です。会話の流れに沿って、次の一言を日本語で3行以内で話してください。話者名は書かず、セリフのみを出力してください。'

export function watchContinueInstruction (history: WatchEntry[]): string {
  const transcript = history.map((e) => `${SPEAKER_NAMES[e.speaker]}: ${e.message}`).join('\n')
  return `以下の会話履歴に基づいて、次の発言をしてください：\n\n${transcript}`
}

/** Models sometimes prefix their line with a speaker name; the legacy app strips it. */
export function stripSpeakerPrefix (text: string): string {
  return text.replace(/^\s*(?:太郎|花子)\s*[:：]\s*/, '')
}

/** The fixed fallback quiz the legacy app adds every fifth message (no model involved). */
export const WATCH_QUIZ = {
  question: 'この会話で、相手との関係を良くするために最も効果的だった行動はどれでしょう？',
  choices: ['相手の話に共感を示す', '自分の意見だけを主張する', '話題をすぐに変える'],
  correct_answer: 0
}
export const WATCH_QUIZ_EVERY = 5
