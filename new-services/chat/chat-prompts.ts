/**
 * Prompts of the free-chat feature. The persona is the legacy app's own text, byte for byte
 * (docs/legacy-app.md §8): legacy reads chat_settings.system_prompt back on every /api/chat
 * turn, so a chat the new services start must carry on unchanged after a rollback.
 */
import type { Exchange } from './history.js'

const PARTNERS: ReadonlyMap<string, string> = new Map([
  ['colleague', '同年代の同僚'],
  ['senior', '入社5年目程度の先輩社員'],
  ['junior', '入社2年目の後輩社員'],
  ['boss', '40代の課長'],
  ['client', '取引先の担当者（30代後半）']
])
const SITUATIONS: ReadonlyMap<string, string> = new Map([
  ['lunch', 'ランチ休憩中のカフェテリアで'],
  ['break', '午後の休憩時間、休憩スペースで'],
  ['morning', '朝、オフィスに到着して席に着く前'],
  ['evening', '終業後、退社準備をしている時間'],
  ['party', '部署の懇親会で']
])
const TOPICS: ReadonlyMap<string, string> = new Map([
  ['general', '天気や週末の予定など、一般的な話題'],
  ['hobby', '趣味や休日の過ごし方について'],
  ['news', '最近のニュースや時事問題について'],
  ['food', 'ランチや食事、おすすめのお店について'],
  ['work', '仕事に関する一般的な内容（機密情報は避ける）']
])

// Maps, not object literals: a key such as "constructor" must get the fallback, as with dict.get.
const describePartner = (key: string): string => PARTNERS.get(key) ?? '同僚'
const describeSituation = (key: string): string => SITUATIONS.get(key) ?? 'オフィスで'
const describeTopic = (key: string): string => TOPICS.get(key) ?? '一般的な話題'

export const CHAT_START_MARKER = '[雑談開始]'
export const CHAT_START_INSTRUCTION = '上記の設定で、あなたから雑談を始めてください。最初の一言だけを話してください。'

export function chatSystemPrompt (partnerType: string, situation: string, topic: string): string {
  return [
    'あなたは職場での雑談練習をサポートするAIアシスタントです。',
    '# 設定',
    `- 相手: ${describePartner(partnerType)}`,
    `- 状況: ${describeSituation(situation)}`,
    `- 話題: ${describeTopic(topic)}`,
    '',
    '# 会話の方針',
    '1. 指定された立場の人物として自然に振る舞ってください',
    '2. 相手が話しやすいように、適度に質問を投げかけてください',
    '3. 会話の流れを維持するよう努めてください',
    '4. 仕事に関する質問が来ても、機密情報などには言及せず一般的な回答をしてください',
    '',
    '# 応答の制約',
    '- 一回の返答は3行程度に収めてください',
    '- 雑談らしい自然な対話を心がけてください',
    '- 敬語と略語のバランスを相手との関係性に合わせて調整してください',
    '',
    '# 【重要】出力形式について',
    '- セリフのみを出力してください',
    '- 動作描写やト書き（例：「（うつむきながら）」「*ため息をつく*」「【沈黙】」など）は一切含めないでください',
    '- 括弧書きの感情表現や状況説明は禁止です',
    '- 純粋な会話文のみを返してください'
  ].join('\n')
}

export function chatFeedbackPrompt (partnerType: string, situation: string, history: Exchange[]): string {
  const transcript = history
    .filter((e) => e.human !== CHAT_START_MARKER)
    .map((e) => `ユーザー: ${e.human}\n相手: ${e.ai}`)
    .join('\n')
  return [
    '以下の職場での雑談を評価し、コミュニケーションのフィードバックをマークダウンで書いてください。',
    `相手: ${describePartner(partnerType)} / 場面: ${describeSituation(situation)}`,
    '## 会話', transcript,
    '## 出力形式', '総合評価、良かった点、改善点、次のステップの順に簡潔に。'
  ].join('\n')
}
