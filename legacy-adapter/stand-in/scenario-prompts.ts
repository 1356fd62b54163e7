/**
 * Prompts of the scenario role-play. Normal scenarios build the character from
 * `character_setting`; reverse-role scenarios (the user plays the boss) use the YAML
 * `system_prompt`. List-style scenarios without a character get legacy's placeholder prompt.
 */
import type { LegacyScenario } from './scenario-catalog.js'
import type { HistoryEntry } from './chat-prompts.js'
import { transcript } from './chat-prompts.js'

const UNSET = '未設定'

/** "AIは上司役、あなたは新入社員" -> AI role "上司役", user role "新入社員". */
function roles (scenario: LegacyScenario): { ai: string, user: string } {
  const [aiPart, userPart] = (scenario.role_info ?? '').split('、')
  return {
    ai: (aiPart ?? '').replace('AIは', '').trim() || 'AI',
    user: (userPart ?? '').replace('あなたは', '').trim() || 'ユーザー'
  }
}

export const isReverseScenario = (scenario: LegacyScenario): boolean => scenario.role_type === 'reverse'

export function scenarioSystemPrompt (scenario: LegacyScenario): string {
  if (isReverseScenario(scenario) && scenario.system_prompt !== undefined) return scenario.system_prompt
  const character = scenario.character_setting ?? {}
  const role = scenario.character_setting === undefined ? 'AI,不明' : roles(scenario).ai
  return [
    `あなたは${role}として振る舞います。`,
    `性格：${character.personality ?? UNSET}`,
    `話し方：${character.speaking_style ?? UNSET}`,
    `状況：${character.situation ?? UNSET}`,
    `シナリオ：${scenario.description}`,
    '・セリフのみを出力し、ト書きや解説は書かない',
    '・1回の発言は3文以内'
  ].join('\n')
}

export function scenarioOpeningInstruction (scenario: LegacyScenario): string {
  const approach = scenario.character_setting?.initial_approach ?? UNSET
  return `最初の声かけをしてください。声のかけ方：${approach}`
}

/** The reverse-role opening: no model call, the situation and a prompt to the user. */
export function reverseOpening (scenario: LegacyScenario): string {
  return `【状況】\n${scenario.initial_context ?? ''}\n\n（部下があなたの指示を待っています。上司として最初の声かけをしてください）`
}

export function scenarioFeedbackPrompt (scenario: LegacyScenario, history: HistoryEntry[]): string {
  const heading = isReverseScenario(scenario) ? 'パワハラ防止評価' : '職場コミュニケーション評価'
  return [
    `# ${heading}`,
    `シナリオ：${scenario.title}`,
    `ユーザーの役割：${roles(scenario).user}`,
    '',
    transcript(history),
    '',
    '上記の会話を評価し、良かった点、改善点、次のステップをマークダウンでまとめてください。'
  ].join('\n')
}

export function assistPrompt (scenario: LegacyScenario, currentContext: string): string {
  return [
    `シナリオ「${scenario.title}」の練習中のユーザーに、次の発言のヒントを1つ出してください。`,
    `説明：${scenario.description}`,
    `学習ポイント：${scenario.learning_points.join('、')}`,
    `現在の会話：${currentContext}`
  ].join('\n')
}
