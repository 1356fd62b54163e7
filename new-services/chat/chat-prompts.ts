/** Prompts of the free-chat feature (Japanese, like the legacy app's). */
import type { Exchange } from './history.js'

const PARTNERS: Record<string, string> = {
  colleague: '同年代の同僚', senior: '頼れる先輩社員', junior: '入社したばかりの後輩', boss: '落ち着いた上司', client: '取引先の担当者'
}
const SITUATIONS: Record<string, string> = {
  lunch: 'ランチタイムの休憩中', break: '午後の小休憩中', morning: '始業前の朝', evening: '終業後の帰り際', party: '社内の懇親会'
}
const TOPICS: Record<string, string> = {
  general: '日常の何気ない話題', hobby: '趣味や休日の過ごし方', news: '最近のニュース', food: '食べ物やお店', work: '仕事の近況'
}

export const CHAT_START_MARKER = '[雑談開始]'
export const CHAT_START_INSTRUCTION = '上記の設定で、あなたから雑談を始めてください。最初の一言だけを話してください。'

export function chatSystemPrompt (partnerType: string, situation: string, topic: string): string {
  return [
    `あなたは職場の${PARTNERS[partnerType] ?? '職場の相手'}として、ユーザーと雑談をします。`,
    `場面: ${SITUATIONS[situation] ?? '職場の日常的な場面'}`,
    `話題: ${TOPICS[topic] ?? '自由な話題'}`,
    '自然で親しみやすい日本語で、1〜3文で返答してください。',
    'セリフのみを出力し、ト書きや説明、メタ的な解説は書かないでください。'
  ].join('\n')
}

export function chatFeedbackPrompt (partnerType: string, situation: string, history: Exchange[]): string {
  const transcript = history
    .filter((e) => e.human !== CHAT_START_MARKER)
    .map((e) => `ユーザー: ${e.human}\n相手: ${e.ai}`)
    .join('\n')
  return [
    '以下の職場での雑談を評価し、コミュニケーションのフィードバックをマークダウンで書いてください。',
    `相手: ${PARTNERS[partnerType] ?? partnerType} / 場面: ${SITUATIONS[situation] ?? situation}`,
    '## 会話', transcript,
    '## 出力形式', '総合評価、良かった点、改善点、次のステップの順に簡潔に。'
  ].join('\n')
}
